"""The learned span decision (tqcheck/check/spanmodel.py): reading it from a profile, the
spans it draws, no double flags, its risk; profiles that extend another; and
`tqcheck calibrate --spans` fitting one on span annotations that a later check then uses."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bilingual import ENG_DEU, write_dictd
from typer.testing import CliRunner

from tqcheck.check.options import CheckOptions
from tqcheck.check.profile import load_profile
from tqcheck.check.spanmodel import FEATURE_SET, LEARNED, SpanModel, learned_spans
from tqcheck.errors import ConfigError
from tqcheck.text import bilingual
from tqcheck.text.align import words
from tqcheck.types import Flag, Segment, SegmentResult, Signals


def model(**weights: float) -> SpanModel:
    return SpanModel(-6.0, weights, 0.0, {"uncovered": 4.0}, threshold=0.5)


def result(text: str, flags: list[Flag]) -> SegmentResult:
    return SegmentResult(Segment(0, text, 0, len(text), 1, source="x"),
                         signals=Signals(similarity=0.8), flags=flags)


def coverage_flag(text: str, word: str) -> Flag:
    a = text.index(word)
    return Flag(a, a + len(word), "Accuracy/Mistranslation", "Minor", "none",
                signal="meaning:coverage")


def test_a_candidate_word_becomes_a_learned_span_and_the_candidate_goes() -> None:
    text = "Die Regierung sagte Quallenbrot heute."
    flags, risk = model(uncovered=12.0).decide(result(text, [coverage_flag(text,
                                                                           "Quallenbrot")]),
                                               "de")
    assert [(text[f.start:f.end], f.signal, f.severity) for f in flags] == [
        ("Quallenbrot", LEARNED, "Major")]
    assert "no counterpart in the source" in flags[0].message
    assert 0.5 < risk < 1.0


def test_a_word_a_shown_check_flags_is_not_flagged_again() -> None:
    text = "Die Regierung sagte Quallenbrot heute."
    a = text.index("Quallenbrot")
    spelling = Flag(a, a + 11, "Fluency/Spelling", "Minor", "typo", signal="spelling:hunspell")
    flags, _ = model(uncovered=12.0, flag_fluency=12.0).decide(
        result(text, [coverage_flag(text, "Quallenbrot"), spelling]), "de")
    assert flags == [spelling]


def test_neighbouring_words_merge_and_punctuation_never_joins() -> None:
    text = "a bb cc, dd"
    ws = words(text)
    probs = [(0.9, 0.9), (0.9, 0.1), (0.9, 0.1), (0.9, 0.9), (0.9, 0.9)]
    assert [w.text for w in ws] == ["a", "bb", "cc", ",", "dd"]
    assert learned_spans(text, ws, probs, 0.5, 0.5) == [(0, 7, 0.9, False), (9, 11, 0.9, True)]


def test_a_profile_table_is_checked() -> None:
    good = {"feature_set": FEATURE_SET, "bias": 0, "weights": {"uncovered": 1},
            "major_bias": 0, "major_weights": {}}
    assert SpanModel.from_table(good, "p").weights == {"uncovered": 1.0}
    with pytest.raises(ConfigError, match="refit it"):
        SpanModel.from_table({**good, "feature_set": "old"}, "p")
    with pytest.raises(ConfigError, match="unknown features nonsense"):
        SpanModel.from_table({**good, "weights": {"nonsense": 1}}, "p")


def test_the_spans_profile_extends_the_default(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    spans, default = load_profile("spans"), load_profile("default")
    assert spans.span_model is not None and default.span_model is None
    assert replace(spans.rules, signals_on=()) == default.rules
    assert spans.risk.weights == default.risk.weights
    assert spans.risk.bands != default.risk.bands  # its own risk, its own bands
    # its candidates inform it; what the default leaves off for precision it shows
    assert default.signals_off - spans.signals_off == {"meaning:coverage"}
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n', "utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="a cycle"):
        load_profile("a.toml")
    (tmp_path / "c.toml").write_text('extends = "nowhere"\n', "utf-8")
    with pytest.raises(ConfigError, match="no such profile"):
        load_profile("c.toml")


PAIRS = [("The government and the refugees.", "Die Regierung und die Flüchtlinge."),
         ("The refugees and the government.", "Die Flüchtlinge und die Regierung."),
         ("The government arrives.", "Die Regierung kommt an."),
         ("The refugees arrive.", "Die Flüchtlinge kommen an.")]
NONSENSE = ["Quallenbrot", "Wolkenschuh", "Zitterbaum", "Nebelkamm", "Funkenteig"]


def span_file(path: Path) -> Path:
    """A Task 2 file: clean renderings, and renderings with a nonsense word marked Major."""
    rows = []
    for k in range(40):
        src, tgt = PAIRS[k % len(PAIRS)]
        doc = f"d{k}"
        if k % 2:
            word = NONSENSE[k % len(NONSENSE)]
            tgt = tgt.replace("Flüchtlinge" if "Flüchtlinge" in tgt else "Regierung", word)
            a = tgt.index(word)
            rows.append(f"sys\t{doc}\t{k}\tr1\t{src}\t{tgt}\t{a}\t{a + len(word)}\tmajor")
        else:
            rows.append(f"sys\t{doc}\t{k}\tr1\t{src}\t{tgt}\t-1\t-1\tno-error")
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


def test_calibrate_spans_fits_a_decision_a_later_check_uses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tqcheck.cli import app
    from tqcheck.pipeline.document import check_text

    write_dictd(tmp_path, "freedict-eng-deu", ENG_DEU)
    monkeypatch.setenv("TQCHECK_DICTD_PATH", str(tmp_path))
    monkeypatch.setattr(bilingual, "DICTD", ())
    bilingual.evidence.cache_clear()
    data = span_file(tmp_path / "annotated_en-de.tsv")
    out = CliRunner().invoke(app, ["calibrate", "--spans", str(data), "--name", "mine",
                                   "--model-free", "--quiet"])
    assert out.exit_code == 0, out.output
    assert "wrote" in out.output and "flag every character" in out.output
    mine = load_profile("mine")
    assert mine.span_model is not None and mine.span_model.weights["uncovered"] > 0
    checked = check_text("Die Regierung und die Grottenmilch.",
                         CheckOptions(lang="de", src_lang="en", model_free=True,
                                      profile="mine"),
                         source="The government and the refugees.")
    found = [(checked.segments[0].excerpt(f), f.signal) for f in checked.segments[0].flags]
    assert ("Grottenmilch", LEARNED) in found
    bilingual.evidence.cache_clear()


def test_calibrate_takes_one_kind_of_evidence() -> None:
    from tqcheck.cli import app

    out = CliRunner().invoke(app, ["calibrate", "x.tsv", "--spans", "y.tsv", "--name", "n"])
    assert out.exit_code != 0 and "give one of" in out.output


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=80), st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)),
                                      max_size=4))
def test_the_shipped_decision_holds_any_text(text: str, spans: list[tuple[int, int]]) -> None:
    learned = load_profile("spans").span_model
    assert learned is not None
    flags = [Flag(min(a, b, len(text)), min(max(a, b), len(text)), "Accuracy/Mistranslation",
                  "Minor", "m", signal="meaning:coverage") for a, b in spans]
    out, risk = learned.decide(result(text, flags), "de")
    assert 0.0 <= risk < 1.0
    for f in out:
        assert 0 <= f.start < f.end <= len(text) and f.signal == LEARNED
        assert text[f.start:f.end].strip() == text[f.start:f.end]


def test_calibrate_spans_with_models_weighs_their_flags(tmp_path: Path) -> None:
    """Where the models run, the decision is fitted on their flags too (the committed toy
    pair: toy source, English text)."""
    from conftest import ROOT

    from tqcheck.cli import app
    from tqcheck.testing.toylang import to_toy

    lines = (ROOT / "fixtures" / "toy" / "heldout.en.txt").read_text("utf-8").splitlines()
    rows = []
    for k, line in enumerate(lines[:24]):
        words_ = line.split()
        if k % 2 and len(words_) > 3:  # a word of the text replaced: marked Major
            a = len(" ".join(words_[:2])) + 1
            text = " ".join([*words_[:2], "banana", *words_[3:]])
            rows.append(f"s\td{k}\t{k}\tr\t{to_toy(line)}\t{text}\t{a}\t{a + 6}\tmajor")
        else:
            rows.append(f"s\td{k}\t{k}\tr\t{to_toy(line)}\t{line}\t-1\t-1\tno-error")
    data = tmp_path / "toy_toy-en.tsv"
    data.write_text("\n".join(rows) + "\n", "utf-8")
    out = CliRunner().invoke(app, ["calibrate", "--spans", str(data), "--name", "toyspans",
                                   "--lang-pair", "toy-en", "--pivot", "toy", "--models-dir",
                                   str(ROOT / "fixtures" / "models"), "--quiet"])
    assert out.exit_code == 0, out.output
    learned = load_profile("toyspans").span_model
    assert learned is not None and "with the models" in learned.fitted_on
    # the model checks' flags (signals of the `model` group: likelihood, roundtrip, source)
    assert {"flag:likelihood", "flag:roundtrip", "flag:source"} & set(learned.weights), \
        learned.weights
