"""model:paraphrase: spans the round trips rephrase in words the reverse models prefer."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from tqcheck.check.profile import load_profile
from tqcheck.checks.paraphrase import Paraphrase, rephrasings
from tqcheck.pipeline.suppression import suppress, suppression_rules
from tqcheck.testing.contexts import make_context, make_env, word_scores
from tqcheck.types import Flag

TEXT = "The minister stated that the talks with the unions had failed."
SAID = "The minister said that the talks with the unions had failed."


def flags(text: str, roundtrips: dict[str, str], **kw: object) -> list[Flag]:
    env = make_env("en")
    return list(Paraphrase(env).flags(make_context(text, roundtrips=roundtrips, **kw)))


def test_a_rephrasing_the_models_prefer_is_awkward_with_the_rephrasing_as_suggestion() -> None:
    (f,) = flags(TEXT, {"fr": SAID}, gaps={"stated": 3.0})
    assert TEXT[f.start:f.end] == "stated"
    assert (f.category, f.signal, f.suggestion) == ("Style/Awkward", "paraphrase", "said")
    assert '"said" (via fr: +' in f.message


def test_no_flag_when_the_models_do_not_prefer_the_rephrasing() -> None:
    assert flags(TEXT, {"fr": SAID}) == []
    # ... or prefer the segment's own words
    assert flags(TEXT, {"fr": SAID}, roundtrip_gaps={"said": 2.0}) == []


def test_a_round_trip_that_changes_the_rest_too_is_no_evidence() -> None:
    garbled = "The minister said that some meetings among the workers were over."
    assert flags(TEXT, {"fr": garbled}, gaps={"stated": 3.0, "talks": 3.0}) == []


def test_dropped_content_and_changed_function_words_are_not_rephrasings() -> None:
    dropped = "The minister stated that the talks had failed."
    assert flags(TEXT, {"fr": dropped}, gaps={"with": 3.0, "unions": 3.0}) == []
    changed = "The minister stated that the talks but the unions had failed."
    assert flags(TEXT, {"fr": changed}, gaps={"with": 3.0}) == []


def test_every_pivot_must_rephrase_the_span() -> None:
    assert flags(TEXT, {"fr": SAID, "de": TEXT}, gaps={"stated": 3.0}) == []
    (f,) = flags(TEXT, {"fr": SAID, "de": SAID}, gaps={"stated": 3.0})
    assert "(via fr: +" in f.message and "(via de: +" in f.message


def test_a_calque_of_several_words_and_its_one_word_rephrasing() -> None:
    text = "Prices rose in a rapid manner after the storm."
    (f,) = flags(text, {"de": "Prices rose rapidly after the storm."},
                 gaps={"in": 2.5, "a": 1.0, "manner": 2.0})
    assert text[f.start:f.end] == "in a rapid manner" and f.suggestion == "rapidly"


def test_a_rephrasing_that_moves_a_word_is_found_without_the_word_it_moved_over() -> None:
    # "in a gradual manner the sound" -> "the gradually sound": a delete and an insert
    # around a kept function word, one rephrasing; the kept word is neither span nor
    # suggestion.
    text = "But in a gradual manner the sound becomes a drum."
    rt = "But the gradually sound becomes a drum."
    (f,) = flags(text, {"de": rt}, gaps={"in": 2.5, "a": 1.0, "manner": 2.0})
    assert (text[f.start:f.end], f.suggestion) == ("in a gradual manner", "gradually")
    # ... and joined across two function words ("in a relative manner small" ->
    # "relatively a small" aligns as replace, keep "a", delete)
    text = "The gap is in a relative manner small."
    (f,) = flags(text, {"de": "The gap is relatively a small."},
                 gaps={"in": 2.5, "manner": 2.0})
    assert (text[f.start:f.end], f.suggestion) == ("in a relative manner", "relatively")


def test_a_joined_change_that_is_no_rephrasing_leaves_its_parts_to_be_judged_alone() -> None:
    # the change after "the" writes a word the language does not have: the two together are
    # no rephrasing, the first alone is
    text = "Prices rose in a rapid manner after the storms hit."
    rt = "Prices rose rapidly after the stormz hit."
    (f,) = flags(text, {"de": rt}, gaps={"in": 2.5, "a": 1.0, "manner": 2.0, "storms": 2.0})
    assert (text[f.start:f.end], f.suggestion) == ("in a rapid manner", "rapidly")


def test_fewer_content_words_is_wording_the_same_word_shortened_is_not() -> None:
    # "in a successful way" -> "successfully" is as similar as a spelling variant by its
    # letters, but says it in fewer content words: wording
    text = "They built it in a successful way last year."
    (f,) = flags(text, {"de": "They built it successfully last year."},
                 gaps={"in": 2.5, "a": 1.0, "way": 2.0})
    assert (text[f.start:f.end], f.suggestion) == ("in a successful way", "successfully")
    # a function word dropped beside a kept word, or a word shortened: no rephrasing
    text = "They felt the vibrations that came from far away."
    assert flags(text, {"de": "They felt the vibrations came from far away."},
                 gaps={"vibrations": 2.0, "that": 3.0}) == []
    text = "Light travels across, or from, the galaxy."
    assert flags(text, {"de": "Light travels acros the galaxy."},
                 gaps={"across": 2.0, ",": 3.0, "or": 3.0, "from": 3.0}) == []


def test_source_aware_segments_are_left_to_model_source() -> None:
    ctx = make_context(TEXT, source="x", pseudo_reference=SAID, gaps={"stated": 3.0})
    assert list(Paraphrase(make_env("en", src_lang="xx")).flags(ctx)) == []


def test_a_paraphrase_explains_the_round_trip_flags_on_its_words() -> None:
    para = Flag(13, 19, "Style/Awkward", "Minor", "awkward", signal="paraphrase")
    lossy = Flag(13, 19, "Accuracy/Mistranslation", "Minor", "lost", signal="roundtrip")
    other = Flag(40, 46, "Accuracy/Mistranslation", "Minor", "lost", signal="roundtrip")
    assert suppress([para, lossy, other], suppression_rules()) == [para, other]
    listed = Flag(13, 19, "Style/Awkward", "Minor", "calque", signal="checklist:en/said")
    assert suppress([para, listed], suppression_rules()) == [listed]


_WORD = st.sampled_from(["the", "talks", "failed", "said", "stated", ",", "in", "a", "way",
                         "manner", "rapid", "rapidly", "of", "need", "necessity", "for", "."])


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORD, min_size=1, max_size=12), st.lists(_WORD, max_size=12),
       st.dictionaries(_WORD, st.floats(0, 10), max_size=4))
def test_any_text_and_round_trip_give_spans_inside_the_text(a: list[str], b: list[str],
                                                            gaps: dict[str, float]) -> None:
    text, rt = " ".join(a), " ".join(b)
    th = make_env("en").profile.spans
    for r in rephrasings(text, rt, word_scores(text, gaps), word_scores(rt), "en", th):
        assert 0 <= r.i < r.j and r.j - r.i <= th.paraphrase_words
        assert r.gain >= th.paraphrase_gain
    found = sorted(flags(text, {"fr": rt}, gaps=gaps), key=lambda f: f.start)
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
    for f, g in pairwise(found):
        assert f.end <= g.start  # joined changes and their parts never flag a word twice


def test_the_checker_scores_the_changed_round_trips_once_and_flags_through_the_pipeline(
) -> None:
    from tqcheck.check.options import CheckOptions
    from tqcheck.pipeline.checker import Checker
    from tqcheck.testing.fake import FakeBackend, FakeFactory
    from tqcheck.types import Segment

    same = "The talks failed."
    reverse = FakeBackend("fr-en", {"FR " + TEXT: SAID}, surprising={"stated": 3.0})
    factory = FakeFactory({"en-fr": FakeBackend("en-fr", {TEXT: "FR " + TEXT, same: same}),
                           "fr-en": reverse})
    segs = [Segment(i, t, 0, len(t), i + 1) for i, t in enumerate((TEXT, same))]
    result = Checker(CheckOptions(lang="en", pivots=("fr",)), factory).check(segs)
    # the text given the pivot (both segments), then only the round trip that changed
    assert reverse.score_calls[-1] == [("FR " + TEXT, SAID)]
    (f,) = [f for f in result.segments[0].flags if f.signal == "paraphrase"]
    assert (TEXT[f.start:f.end], f.suggestion) == ("stated", "said")
    assert not [f for f in result.segments[0].flags if f.signal == "roundtrip"]  # explained
    assert result.segments[1].flags == []
    # a profile that switches the check off plans no pass for it
    default = load_profile("default")
    profile = replace(default, rules=replace(
        default.rules, signals_off=(*default.rules.signals_off, "model:paraphrase")))
    quiet = FakeBackend("fr-en", {"FR " + TEXT: SAID})
    off = Checker(CheckOptions(lang="en", pivots=("fr",)), FakeFactory(
        {"en-fr": FakeBackend("en-fr", {TEXT: "FR " + TEXT}), "fr-en": quiet}), profile=profile)
    off.check(segs[:1])
    assert len(quiet.score_calls) == 1  # the text given the pivot only


def test_the_learned_span_decision_shows_it_and_flags_no_word_of_it_twice() -> None:
    from tqcheck.check.options import CheckOptions
    from tqcheck.pipeline.document import check_text
    from tqcheck.testing.fake import FakeBackend, FakeFactory

    factory = FakeFactory({"en-fr": FakeBackend("en-fr", {TEXT: "FR"}),
                           "fr-en": FakeBackend("fr-en", {"FR": SAID},
                                                surprising={"stated": 3.0})})
    result = check_text(TEXT + "\n", CheckOptions(lang="en", pivots=("fr",), profile="spans",
                                                  language_id=False), factory=factory)
    flags = result.segments[0].flags
    (para,) = [f for f in flags if f.signal == "paraphrase"]
    assert TEXT[para.start:para.end] == "stated"
    assert not [f for f in flags if f is not para and f.start < para.end and para.start < f.end]


def test_punctuation_neither_starts_nor_ends_the_span() -> None:
    text = "Prices rose, in a rapid manner, after the storm."
    (f,) = flags(text, {"de": "Prices rose rapidly after the storm."},
                 gaps={"in": 2.5, "a": 1.0, "manner": 2.0, ",": 1.0})
    assert text[f.start:f.end] == "in a rapid manner"


def test_segments_with_a_source_get_no_round_trip_scoring() -> None:
    from tqcheck.check.options import CheckOptions
    from tqcheck.pipeline.document import check_text
    from tqcheck.testing.fake import FakeBackend, FakeFactory

    reverse = FakeBackend("fr-en", {"FR": SAID})
    factory = FakeFactory({"en-fr": FakeBackend("en-fr", {TEXT: "FR"}), "fr-en": reverse})
    check_text(TEXT + "\n", CheckOptions(lang="en", src_lang="fr", language_id=False),
               source="Le ministre a déclaré.\n", factory=factory)
    # the text and the source scored, never the round trip of the text
    assert not any(target == SAID for call in reverse.score_calls for _, target in call)
