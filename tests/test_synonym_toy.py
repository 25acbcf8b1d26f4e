"""The synonym toy: its families, its mapping, and the committed en<->syn models finding a
calque they never saw, with the round trip's phrasing as the suggestion."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tqcheck.cli import app
from tqcheck.testing.synonyms import calque, families, idiomatic, idioms_in, to_syn
from tqcheck.testing.toylang import to_toy

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "fixtures" / "models"


def test_families_are_generated_per_construction_with_a_held_out_share() -> None:
    kinds = Counter((f.kind, f.held_out) for f in families())
    for kind in ("manner", "comparative", "light-verb", "increasingly"):
        trained, held = kinds[(kind, False)], kinds[(kind, True)]
        assert trained >= 40 and 0.15 < held / (trained + held) < 0.45, (kind, trained, held)
    assert kinds[("superlative", False)] == 0 < kinds[("superlative", True)]
    # an idiomatic phrasing two members share is held out only if both are
    trained = {f.idiom for f in families() if not f.held_out}
    for f in families():
        if f.held_out and f.idiom not in trained:
            assert [g.idiom for _, g in idioms_in(f"so {f.idiom} then", held_out=True)] == [
                f.idiom]
        elif f.held_out:
            assert idioms_in(f"so {f.idiom} then", held_out=True) == []


def test_calques_and_their_idiom_are_one_syn_phrase() -> None:
    assert idiomatic("The minister stated that prices rose in a quick manner.") == (
        "The minister said that prices rose quickly.")
    assert to_syn("Prices are more strong today (Monday).") == to_syn(
        "Prices are stronger on Monday.") == to_toy("Prices are stronger on Monday.")
    assert to_syn("Due to the fact that it rained") == to_toy("Because it rained")


def test_a_calque_replaces_one_idiomatic_phrasing_and_knows_its_span() -> None:
    text = "They acted quickly and said that the roads were safer."
    rng = random.Random(3)
    for _ in range(20):
        c = calque(text, rng)
        assert c is not None and c.idiom in ("quickly", "said that", "safer")
        assert c.text[c.span[0]:c.span[1]] in c.family.calques
        assert idiomatic(c.text) == text
    assert calque("Nothing to see here.", rng) is None
    trained = {f.idiom for f in families() if not f.held_out}
    held = next(f for f in families()
                if f.held_out and f.kind == "manner" and f.idiom not in trained)
    assert idioms_in(f"It moved {held.idiom}.", held_out=False) == []
    assert [f for _, f in idioms_in(f"It moved {held.idiom}.", held_out=True)] == [held]


@pytest.mark.skipif(not (MODELS / "en-syn").is_dir(), reason="the synonym toy models")
def test_the_synonym_toy_models_flag_a_calque_never_seen_in_training(tmp_path: Path) -> None:
    (fam,) = [f for _, f in idioms_in(CLEAN, held_out=True)]
    assert fam.kind == "manner" and CALQUE_SPAN in fam.calques
    text = tmp_path / "calque.txt"
    text.write_text(CALQUED + "\n" + CLEAN + "\n", "utf-8")
    res = CliRunner().invoke(app, ["check", str(text), "--pivot", "syn", "--models-dir",
                                   str(MODELS), "-f", "jsonl", "-q", "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    (flag,) = [f for f in rows[0]["flags"] if f["signal"] == "paraphrase"]
    assert CALQUED[flag["start"]:flag["end"]] == CALQUE_SPAN
    assert flag["suggestion"] == SUGGESTION
    assert not [f for f in rows[1]["flags"] if f["signal"] == "paraphrase"]


# A sentence of a held-out talk with the calque of a held-out family ("obvious" is a
# held-out member of the manner construction: no training sentence writes "in an obvious
# manner"), and the same sentence as it was.
CALQUED = "So we're aware, in an obvious manner, of the relationship between insects and plants."
CALQUE_SPAN = "in an obvious manner"
SUGGESTION = "obviously"
CLEAN = "So we're aware, obviously, of the relationship between insects and plants."
