"""The checker on hand-made round trips: a fake backend returns the translations we choose,
so every expected flag and offset is known in advance."""

from __future__ import annotations

from tqcheck.check.options import CheckOptions
from tqcheck.pipeline.document import check_text
from tqcheck.signature import Signature
from tqcheck.testing.fake import FakeBackend, FakeFactory
from tqcheck.types import CheckResult

TARGET_ONLY = CheckOptions(lang="en", pivots=("fr",), language_id=False)
SOURCE_AWARE = CheckOptions(lang="en", src_lang="fr", language_id=False)


def flags_of(result: CheckResult, category: str | None = None):
    return [f for r in result.segments for f in r.flags
            if category is None or f.category == category]


def test_unchanged_round_trip_has_no_flag():
    text = "The minister said that the talks in Berlin had failed."
    result = check_text(text, TARGET_ONLY, factory=FakeFactory())
    seg = result.segments[0]
    assert seg.flags == []
    assert seg.backtranslations == {"roundtrip:fr": text}
    assert seg.metrics["chrf:roundtrip:fr"] == 100.0
    assert seg.metrics["ter:roundtrip:fr"] == 0.0
    assert seg.risk < 0.1


def test_round_trip_that_loses_a_clause_flags_it_at_its_offsets():
    text = "The minister said the talks had failed, according to French agency reporters."
    pivot = "Le ministre a dit que les pourparlers avaient échoué, selon l'agence."
    back = "The minister said the talks had failed."
    factory = FakeFactory({
        "en-fr": FakeBackend("en-fr", {text: pivot}),
        "fr-en": FakeBackend("fr-en", {pivot: back}),
    })
    result = check_text(text, TARGET_ONLY, factory=factory)
    lossy = flags_of(result, "Accuracy/Mistranslation")
    assert len(lossy) == 1
    assert text[lossy[0].start:lossy[0].end] == "according to French agency reporters"
    assert lossy[0].severity == "Major"  # four content words
    assert result.segments[0].risk > 0.5


def _responsible(surprising: dict[str, float]) -> tuple[str, CheckResult]:
    text = "The competent minister announced the plan."
    pivot = "Le ministre compétent a annoncé le plan."
    back = "The responsible minister announced the plan."
    factory = FakeFactory({
        "en-fr": FakeBackend("en-fr", {text: pivot}),
        "fr-en": FakeBackend("fr-en", {pivot: back}, surprising=surprising),
    })
    return text, check_text(text, TARGET_ONLY, factory=factory)


def test_surprising_words_are_awkward_with_a_suggestion():
    # the reverse model finds the round trip's "official" as unlikely: no phrasing preferred
    text, result = _responsible({"competent": 8.0, "responsible": 8.0})
    awkward = flags_of(result, "Style/Awkward")
    assert [(text[f.start:f.end], f.severity, f.signal) for f in awkward] == [
        ("competent", "Major", "likelihood")]
    assert awkward[0].suggestion == "responsible"


def test_a_rephrasing_the_reverse_model_prefers_is_one_flag_with_the_rephrasing():
    text, result = _responsible({"competent": 8.0})
    (f,) = result.segments[0].flags
    assert (text[f.start:f.end], f.severity, f.signal, f.suggestion) == (
        "competent", "Major", "paraphrase", "responsible")


OMITTED_SOURCE = "Le ministre a dit que les pourparlers avaient échoué, selon l'agence."
OMITTING_TEXT = "The minister said the talks had failed."
PSEUDO_REFERENCE = "The minister said the talks had failed, according to the agency."


def omission_factory(source_roundtrip: str) -> FakeFactory:
    return FakeFactory({
        "en-fr": FakeBackend("en-fr", {OMITTING_TEXT: "Le ministre a dit que les pourparlers "
                                                      "avaient échoué.",
                                       PSEUDO_REFERENCE: source_roundtrip},
                             # forced decoding of the source given the text: the lost words
                             surprising={"selon": 6.0, "l'agence": 4.0}),
        "fr-en": FakeBackend("fr-en", {OMITTED_SOURCE: PSEUDO_REFERENCE}),
    })


def test_omitted_clause_is_located_in_the_source():
    source, text = OMITTED_SOURCE, OMITTING_TEXT
    result = check_text(text, SOURCE_AWARE, source=source, factory=omission_factory(source))
    omissions = flags_of(result, "Accuracy/Omission")
    assert len(omissions) == 1
    f = omissions[0]
    assert f.side == "source"
    assert source[f.start:f.end] == "selon l'agence"
    seg = result.segments[0]
    assert seg.backtranslations["pseudo_reference"].endswith("according to the agency.")
    assert seg.backtranslations["source_roundtrip"] == source
    assert seg.metrics["chrf:backtranslation"] < 100
    assert seg.metrics["chrf:source_roundtrip"] == 100.0
    assert seg.segment.notes == ()


def test_words_the_models_cannot_carry_are_no_omission():
    """The source's own round trip loses "selon l'agence" too: the models cannot carry those
    words, so their absence from the back-translation says nothing about the text."""
    lossy = "Le ministre a dit que les pourparlers avaient échoué."
    result = check_text(OMITTING_TEXT, SOURCE_AWARE, source=OMITTED_SOURCE,
                        factory=omission_factory(lossy))
    assert flags_of(result, "Accuracy/Omission") == []


def test_faithful_translation_with_source_has_no_flag():
    source = "Le ministre a parlé."
    text = "The minister spoke."
    factory = FakeFactory({
        "en-fr": FakeBackend("en-fr", {text: source}),
        "fr-en": FakeBackend("fr-en", {source: text}),
    })
    result = check_text(text, SOURCE_AWARE, source=source, factory=factory)
    assert flags_of(result) == []


def test_addition_and_mistranslation_against_the_pseudo_reference():
    source = "Le ministre a parlé."
    text = "The president spoke angrily yesterday."
    factory = FakeFactory({
        "en-fr": FakeBackend("en-fr", {text: "Le président a parlé avec colère hier."}),
        "fr-en": FakeBackend("fr-en", {source: "The minister spoke."},
                             surprising={"president": 6.0, "angrily": 5.0, "yesterday": 3.0}),
    })
    result = check_text(text, SOURCE_AWARE, source=source, factory=factory)
    got = {(f.category, text[f.start:f.end], f.suggestion) for f in flags_of(result)}
    assert ("Accuracy/Mistranslation", "president", "minister") in got
    assert ("Accuracy/Addition", "angrily yesterday", None) in got


def test_number_mismatch_is_caught_on_both_sides():
    source = "Il a payé 300 euros."
    text = "He paid 3000 euros."
    factory = FakeFactory({"fr-en": FakeBackend("fr-en", {source: "He paid 300 euros."})})
    result = check_text(text, SOURCE_AWARE, source=source, factory=factory)
    numbers = flags_of(result, "Accuracy/Number")
    assert {(f.side, (text if f.side == "target" else source)[f.start:f.end])
            for f in numbers} == {("target", "3000"), ("source", "300")}


def test_source_words_left_in_the_translation_are_untranslated():
    source = "Le ministre a dit que les pourparlers ont échoué."
    text = "The minister said the pourparlers failed."
    factory = FakeFactory({"fr-en": FakeBackend(
        "fr-en", {source: "The minister said the negotiations failed."})})
    result = check_text(text, SOURCE_AWARE, source=source, factory=factory)
    untranslated = flags_of(result, "Accuracy/Untranslated text")
    assert [text[f.start:f.end] for f in untranslated] == ["pourparlers"]
    # Explained as copied text, it is not also reported as a mistranslation.
    assert flags_of(result, "Accuracy/Mistranslation") == []


def test_repeated_words_are_flagged():
    result = check_text("The the talks failed.", TARGET_ONLY, factory=FakeFactory())
    rep = flags_of(result, "Fluency/Repetition")
    assert len(rep) == 1 and (rep[0].start, rep[0].end) == (0, 7)


def test_translations_are_deduplicated_within_a_run():
    backend = FakeBackend("en-fr")
    check_text("Same sentence. Same sentence. Other one.", TARGET_ONLY,
               factory=FakeFactory({"en-fr": backend}))
    # one call, each distinct text once (in the order of their lengths: slices batch alike)
    assert [sorted(c) for c in backend.calls] == [["Other one.", "Same sentence."]]


def test_signature_names_models_pivots_backend_and_metrics():
    result = check_text("Hello there.", TARGET_ONLY, factory=FakeFactory())
    text = str(result.signature)
    assert text.startswith("tqcheck:mode:target-only|lang:en|pivots:fr|")
    assert "|model.en-fr:fake|model.fr-en:fake|backend:fake|" in text
    assert "|chrf:[#:1|c:mixed|e:yes|nc:6|nw:0|s:no|v:" in text
    assert "|beam:4|" in text and text.endswith("|version:0.1.0")
    # Parsed back field by field, nested sacrebleu signatures included.
    sig = Signature.parse(text)
    assert sig == result.signature and str(sig) == text
    assert sig["chrf"]["nc"] == "6" and sig["bleu"]["tok"] == "13a"
    assert sig["profile"].startswith("default@")
    assert "chrf.src" not in sig  # no source-side metrics without a source


def test_signature_tells_backends_profiles_and_source_metrics_apart():
    def sig_of(factory, **opts):
        opts = {"lang": "en", "pivots": ("fr",), "language_id": False} | opts
        return check_text("Hello there.", CheckOptions(**opts), factory=factory).signature

    class Int8(FakeFactory):
        backend_id = "ct2/int8"

        def __call__(self, pair):
            backend = super().__call__(pair)
            backend.backend_id = "ct2/int8"
            return backend

    assert sig_of(FakeFactory())["backend"] == "fake"
    assert sig_of(Int8())["backend"] == "ct2/int8"
    assert sig_of(FakeFactory(), profile="ted-zhen-model-free")["profile"] != \
        sig_of(FakeFactory())["profile"]
    zh = check_text("Hello there.", CheckOptions(lang="en", src_lang="zh", language_id=False,
                                                 similarity=False),
                    source="你好。", factory=FakeFactory()).signature
    assert zh["bleu.src"]["tok"] == "zh" and zh["bleu"]["tok"] == "13a"


def test_calqued_word_order_is_awkward_over_the_whole_swap():
    text = "The minister said talks the failed."
    back = "The minister said the talks failed."
    factory = FakeFactory({"fr-en": FakeBackend("fr-en", {text: back})})
    result = check_text(text, TARGET_ONLY, factory=factory)
    awkward = flags_of(result, "Style/Awkward")
    assert [text[f.start:f.end] for f in awkward] == ["talks the"]
    assert awkward[0].suggestion == "the talks"
    assert not flags_of(result, "Accuracy/Mistranslation")


def test_words_the_model_finds_likely_are_paraphrases_not_errors():
    source = "Le ministre a parlé."
    text = "The minister talked."
    factory = FakeFactory({"fr-en": FakeBackend("fr-en", {source: "The minister spoke."},
                                                 surprising={"talked": 0.5})})
    result = check_text(text, SOURCE_AWARE, source=source, factory=factory)
    assert flags_of(result, "Accuracy/Mistranslation") == []
