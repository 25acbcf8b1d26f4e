"""Single-word meaning changes: negation, numbers, names, one dropped word; and the models'
own slips told apart from the text's errors. Hand-made cases on the fake backend (every
translation chosen), then the committed toy models on news sentences outside their domain."""

from __future__ import annotations

import pytest
from conftest import ROOT

from tqcheck.check.options import CheckOptions
from tqcheck.checks.names import name_flags
from tqcheck.checks.negation import negation_flags
from tqcheck.checks.number_words import number_word_flags
from tqcheck.checks.numbers import number_flags
from tqcheck.pipeline.checker import Checker
from tqcheck.pipeline.document import check_text
from tqcheck.testing.fake import FakeBackend, FakeFactory
from tqcheck.testing.toylang import to_toy
from tqcheck.text.lexicon import negators
from tqcheck.text.names import names
from tqcheck.types import Segment

SOURCE_AWARE = CheckOptions(lang="en", src_lang="fr", language_id=False)


def spans(text: str, flags) -> list[str]:
    return [text[f.start:f.end] for f in flags]


# -- the pieces ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lang", "found"), [
    ("He didn't go and she can’t stay; nothing is not here.", "en",
     ["n't", "n’t", "nothing", "not"]),
    ("Notably, nobody cannot know.", "en", ["nobody", "cannot"]),  # "Notably" is no "not"
    ("Er kommt nicht, keine Zeit.", "de", ["nicht", "keine"]),
    ("我不知道，没有人来。", "zh", ["不", "没有"]),
    ("Il ne vient pas.", "fr", ["pas"]),  # "ne ... pas" counts once
    ("Nothing at all.", "xx", []),  # a language without a list
])
def test_negators_per_language(text, lang, found):
    assert [text[a:b] for a, b in negators(text, lang)] == found


def test_negation_added_or_dropped_is_found_against_the_pseudo_reference():
    ref = "The minister did not resign on Friday."
    added = "The minister did not resign on Friday, and did not speak."
    assert negation_flags("The minister did not resign on Friday.", "en", ref) == []
    assert negation_flags("The minister didn't resign on Friday.", "en", ref) == []  # counts
    dropped = "The minister did resign on Friday."
    (flag,) = negation_flags(dropped, "en", ref)
    assert flag.severity == "Major" and flag.signal == "meaning:negation"
    assert dropped[flag.start:flag.end] == "did resign"  # where the "not" would stand
    assert flag.suggestion == "did not resign"
    (flag,) = negation_flags(added, "en", ref)
    assert added[flag.start:flag.end] == "not" and flag.start > 30  # the second "not"
    # the source's own negators side with the text: the pseudo-reference is the odd one
    assert negation_flags(dropped, "en", ref, "Le ministre a démissionné.", "fr") == []
    assert negation_flags(dropped, "en", ref, "Le ministre n'a pas démissionné.", "fr")


def test_an_added_negation_the_model_expects_is_minor():
    text, ref = "It is not clear.", "It is clear."
    gaps = [0.0, 0.0, 0.3, 0.0, 0.0]  # "not" barely surprises the model
    (flag,) = negation_flags(text, "en", ref, gaps=gaps, confirm_gap=2.0)
    assert flag.severity == "Minor"
    (flag,) = negation_flags(text, "en", ref, gaps=[0, 0, 5.0, 0, 0], confirm_gap=2.0)
    assert flag.severity == "Major"


def test_names_are_capitalised_words_inside_a_sentence():
    text = "Officials in Nairobi said. Then Mary Smith left: Tell Oslo (Norway)."
    assert [w.text for w in names(text, "en")] == ["Nairobi", "Mary", "Smith", "Oslo",
                                                    "Norway"]
    assert names("Die Regierung in Berlin tagte.", "de") == []  # German capitalises nouns
    # headlines: capitals mark no names; title case matches the other side's lower case
    assert names("MINISTER RESIGNS AFTER TAX SCANDAL IN OSLO", "en") == []
    assert name_flags("Prime Minister Announces New Budget", "Le Premier ministre annonce un "
                      "nouveau budget", "en", "fr", "Prime Minister announces new budget",
                      0.75) == []


def test_a_swapped_name_is_major_with_the_source_name_as_suggestion():
    source = "Ils gavoe Porto su Saturday."  # a source that writes names as they are
    text = "They beat Lisbon on Saturday."
    (flag,) = name_flags(text, source, "en", "toy", "They beat Porto on Saturday.", 0.75)
    assert spans(text, [flag]) == ["Lisbon"]
    assert (flag.severity, flag.suggestion, flag.signal) == ("Major", "Porto", "meaning:name")
    # without a pseudo-reference (model-free) the same is only Minor: it may be translated
    (flag,) = name_flags(text, source, "en", "toy", None, 0.75)
    assert flag.severity == "Minor"


def test_names_the_source_or_its_translation_has_are_not_flagged():
    # a name the models spell a little differently, and a translated one
    assert name_flags("Kyiv stays outside NATO.", "Kiev reste hors de l'OTAN.", "en", "fr",
                      "Kiev remains outside NATO.", 0.75) == []
    assert name_flags("Talks with Germany resumed.", "Les pourparlers avec l'Allemagne ont "
                      "repris.", "en", "fr", "Talks with Germany resumed.", 0.75) == []
    # a source in another script: names are transliterated, so not compared
    assert name_flags("Zhang Wei met Li Na.", "张伟见了李娜。", "en", "zh",
                      "Zhang Wei met Li Ning.", 0.75) == []


def test_a_dropped_name_that_the_pseudo_reference_keeps_is_an_omission():
    source = "Ils gavoe Porto pa Benfica."
    flags = name_flags("They beat Benfica.", source, "en", "toy",
                       "They beat Porto with Benfica.", 0.75)
    assert [(f.side, f.category, source[f.start:f.end]) for f in flags] == [
        ("source", "Accuracy/Omission", "Porto")]
    # a name the pseudo-reference drops too is left to the omission checks
    assert name_flags("They beat Benfica.", source, "en", "toy", "They beat Benfica.",
                      0.75) == []


def test_number_words_are_compared_through_the_pseudo_reference():
    text = "They waited four days."
    (flag,) = number_word_flags(text, "en", "They waited three days.", "Ils vjsaa", "toy")
    assert spans(text, [flag]) == ["four"] and flag.suggestion == "three"
    assert number_word_flags("They waited three days.", "en", "They waited three days.",
                             "Ils vjsaa", "toy") == []
    # ordinals and decades explain digits (rules:numbers) but are no number the text states
    assert number_word_flags("For the first time in decades they waited.", "en",
                             "They waited three days.", "Ils vjsaa", "toy") == []


def test_scale_words_of_an_unlisted_language_do_not_hide_a_number():
    source = "qsugev du 412 nemmeup, iq de 380 nemmeup"  # "nemmeup": an unknown "million"
    assert number_flags("a profit of 412 million, up from 380 million", source, "en",
                        "toy") == []
    flagged = number_flags("a profit of 413 million", "qsugev du 412 nemmeup", "en", "toy")
    assert {f.side for f in flagged} == {"source", "target"}


# -- the checker, on chosen translations --------------------------------------------------------

SOURCE = "Le ministre n'a pas démissionné vendredi à Paris."
REFERENCE = "The minister did not resign on Friday in Paris."


def factory(text: str, roundtrip_of_source: str = SOURCE, **surprising: float) -> FakeFactory:
    return FakeFactory({
        "fr-en": FakeBackend("fr-en", {SOURCE: REFERENCE}, surprising=surprising),
        "en-fr": FakeBackend("en-fr", {REFERENCE: roundtrip_of_source}),
    })


@pytest.mark.parametrize(("text", "flagged"), [
    ("The minister resigned on Friday in Paris.", "resigned"),  # negation dropped
    ("The minister did not resign on Friday in Lyon.", "Lyon"),  # name changed
])
def test_meaning_changes_are_major_and_raise_the_risk(text, flagged):
    clean = check_text(REFERENCE, SOURCE_AWARE, source=SOURCE,
                       factory=factory(REFERENCE)).segments[0]
    seg = check_text(text, SOURCE_AWARE, source=SOURCE, factory=factory(text)).segments[0]
    meaning = [f for f in seg.flags if f.signal.startswith("meaning:")]
    assert spans(text, meaning) == [flagged]
    assert meaning[0].severity == "Major"
    assert clean.flags == [] and clean.risk < 0.2
    assert seg.risk > 0.8


def test_a_changed_number_outweighs_model_doubts_on_a_clean_sentence():
    source = "Le ministre a payé 300 euros."
    ref = "The minister paid 300 euros."
    models = {"fr-en": FakeBackend("fr-en", {source: ref}),
              "en-fr": FakeBackend("en-fr", {ref: source})}
    wrong = check_text("The minister paid 500 euros.", SOURCE_AWARE, source=source,
                       factory=FakeFactory(models)).segments[0]
    # a clean sentence the model finds odd throughout (as out of its domain)
    odd = {w: 3.0 for w in ("minister", "paid", "euros")}
    models["fr-en"] = FakeBackend("fr-en", {source: ref}, surprising=odd)
    doubted = check_text(ref, SOURCE_AWARE, source=source,
                         factory=FakeFactory(models)).segments[0]
    assert any(f.signal == "rules:numbers" for f in wrong.flags)
    assert wrong.risk > doubted.risk


def test_where_the_models_cannot_carry_the_source_they_say_so_instead_of_major_flags():
    garbled = "Pourparlers ministre Lyon."  # the source's own round trip: the models fail
    seg = check_text(REFERENCE, SOURCE_AWARE, source=SOURCE,
                     factory=factory(REFERENCE, garbled, resign=9.0)).segments[0]
    assert len(seg.segment.notes) == 1 and "carry this source poorly" in seg.segment.notes[0]
    assert "1 model flag(s) demoted to Minor" in seg.segment.notes[0]
    assert [(f.category, f.severity) for f in seg.flags] == [("Style/Awkward", "Minor")]
    reliable = check_text(REFERENCE, SOURCE_AWARE, source=SOURCE,
                          factory=factory(REFERENCE, resign=9.0)).segments[0]
    assert reliable.segment.notes == ()
    assert [(f.category, f.severity) for f in reliable.flags] == [("Style/Awkward", "Major")]


def test_meaning_flags_are_not_demoted_when_the_models_struggle():
    text = "The minister did not resign on Friday in Lyon."
    seg = check_text(text, SOURCE_AWARE, source=SOURCE,
                     factory=factory(text, "Pourparlers ministre.")).segments[0]
    assert seg.segment.notes
    assert [(f.signal, f.severity) for f in seg.flags if f.signal.startswith("meaning:")] == [
        ("meaning:name", "Major")]


def test_target_only_a_negation_no_round_trip_keeps_is_lossy():
    text = "The minister did not resign."
    back = "The minister did resign."
    models = FakeFactory({"fr-en": FakeBackend("fr-en", {"Le ministre n'a pas démissionné.":
                                                         back}),
                          "en-fr": FakeBackend("en-fr", {text: "Le ministre n'a pas "
                                                                "démissionné."})})
    seg = check_text(text, CheckOptions(lang="en", pivots=("fr",), language_id=False),
                     factory=models).segments[0]
    assert "not" in spans(text, seg.flags)


# -- the toy models, out of their domain ----------------------------------------------------

MODELS = ROOT / "fixtures" / "models"
WIRE = "The union said its members would return to work on Monday after talks in Madrid."


@pytest.fixture(scope="module")
def toy_checker():
    return Checker(CheckOptions(lang="en", src_lang="toy", models_dir=str(MODELS)))


def toy_check(checker, text: str, original: str = WIRE):
    seg = Segment(id=0, text=text, start=0, end=len(text), line=1, source=to_toy(original))
    return checker.check([seg]).segments[0]


@pytest.mark.parametrize(("text", "signal"), [
    (WIRE.replace("would return", "would not return"), "meaning:negation"),
    (WIRE.replace("Madrid", "Lisbon"), "meaning:name"),
    (WIRE.replace("Monday", "Tuesday"), "meaning:name"),
])
def test_toy_models_catch_single_word_meaning_changes(toy_checker, text, signal):
    clean = toy_check(toy_checker, WIRE)
    changed = toy_check(toy_checker, text)
    assert not [f for f in clean.flags if f.signal.startswith("meaning:")]
    assert [f.signal for f in changed.flags if f.signal.startswith("meaning:")] == [signal]
    assert changed.risk > clean.risk


def test_toy_models_catch_a_changed_number(toy_checker):
    original = "Police said 14 people were hurt in the fire on Sunday."
    clean = toy_check(toy_checker, original, original)
    changed = toy_check(toy_checker, original.replace("14", "41"), original)
    assert not [f for f in clean.flags if f.category == "Accuracy/Number"]
    assert [f.signal for f in changed.flags if f.category == "Accuracy/Number"
            and f.side == "target"] == ["rules:numbers"]
    assert changed.risk > clean.risk


def test_a_hostile_line_of_names_is_checked_in_linear_time():
    """14 000 capitalised words against as many in the source: exact lookups, no quadratic
    spelling comparison (this took minutes before)."""
    import random
    import time

    from tqcheck.check.profile import load_profile
    from tqcheck.checks.copied import untranslated_flags

    rng = random.Random(0)
    made = ["".join(rng.choice("abcdefghij") for _ in range(6)) for _ in range(28_000)]
    text = "Start " + " ".join(w.capitalize() for w in made[:14_000]) + "."
    source = "Debut " + " ".join(w.capitalize() for w in made[14_000:]) + "."
    t0 = time.perf_counter()
    flags = name_flags(text, source, "en", "fr", source, 0.75)
    plain = " ".join(made[:14_000])
    untranslated_flags(plain, plain, set(made[14_000:]), load_profile("default"), "en")
    assert time.perf_counter() - t0 < 10
    assert flags and "more" in flags[0].message  # the source's names, summarised
