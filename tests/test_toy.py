"""The committed toy models really translate, and tqcheck finds injected errors with them.

Cases are from benchmarks/detection.py, on held-out sentences the models never saw.
"""

from __future__ import annotations

import pytest
from conftest import ROOT

from tqcheck.check.options import CheckOptions
from tqcheck.pipeline.checker import Checker
from tqcheck.testing.toylang import encipher, to_toy, to_toy_aligned
from tqcheck.types import Segment

MODELS = ROOT / "fixtures" / "models"


def test_toy_mapping_is_documented_behaviour():
    assert to_toy("The talks in Berlin failed.") == "Vomlt ka mi Berlin goemaf."
    assert encipher("talks") == "vomlt"
    assert to_toy("He paid 3.5 euros.") == "Il qoef 3.5 aisut."
    aligned = to_toy_aligned("The talks failed.")
    pieces = [(aligned.text[b0:b1]) for _, (b0, b1) in aligned.spans]
    assert pieces == ["Vomlt", "ka", "goemaf", "."]


@pytest.fixture(scope="module")
def source_checker():
    return Checker(CheckOptions(lang="en", src_lang="toy", models_dir=str(MODELS)))


def check(checker, target: str, source: str | None):
    seg = Segment(id=0, text=target, start=0, end=len(target), line=1, source=source)
    return checker.check([seg]).segments[0]


CLEAN = "And there's no way of telling anybody about the light at the end of the tunnel."


def test_models_translate_held_out_sentences():
    from tqcheck.translate.base import BackendSettings
    from tqcheck.translate.factory import ModelFactory
    from tqcheck.translate.registry import load_registry

    factory = ModelFactory(str(MODELS), load_registry().decoding,
                           BackendSettings(device="cpu", cache=False))
    en_toy, toy_en = factory("en-toy"), factory("toy-en")
    from sacrebleu.metrics import CHRF

    assert CHRF().sentence_score(en_toy.translate([CLEAN])[0], [to_toy(CLEAN)]).score > 80
    assert CHRF().sentence_score(toy_en.translate([to_toy(CLEAN)])[0], [CLEAN]).score > 80


def test_clean_translation_has_no_omission(source_checker):
    result = check(source_checker, CLEAN, to_toy(CLEAN))
    assert not [f for f in result.flags if f.category == "Accuracy/Omission"]


def test_dropped_clause_is_flagged_at_its_source_offsets(source_checker):
    full = "We went to the lake with our friends, and we swam until the sun went down."
    dropped = "We went to the lake, and we swam until the sun went down."
    aligned = to_toy_aligned(full)
    lost = [t for (a, b), t in aligned.spans if full[a:b] in ("with", "our", "friends")]
    start, end = min(s for s, _ in lost), max(e for _, e in lost)
    result = check(source_checker, dropped, aligned.text)
    omissions = [f for f in result.flags if f.category == "Accuracy/Omission"]
    assert omissions, result.flags
    assert all(f.side == "source" for f in omissions)
    assert any(f.start < end and start < f.end for f in omissions)


def test_untranslated_toy_words_are_flagged(source_checker):
    en = "The scientists measured the light from distant galaxies."
    toy_words = f"{encipher('distant')} {encipher('galaxies')}"
    target = en.replace("distant galaxies", toy_words)
    result = check(source_checker, target, to_toy(en))
    start = target.index(toy_words)
    flagged = [f for f in result.flags if f.category == "Accuracy/Untranslated text"]
    assert flagged
    assert any(f.start <= start and start + len(toy_words) <= f.end + 1 for f in flagged)
