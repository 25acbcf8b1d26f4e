"""Golden outputs: `tqcheck check --format json` on the committed toy models (source-aware
and target-only) and model-free on the seed article, compared with tests/golden/*.json, so
that any drift in risk, signals or flags shows as a failure and, once refreshed, as a diff.

Numbers may differ by 1e-3 (CPU kernels round differently); everything else must match,
the signature included except dependency versions. After an intended change, refresh with

    TQCHECK_REFRESH_GOLDEN=1 HF_HUB_OFFLINE=1 python -m pytest tests/test_golden.py

and read `git diff tests/golden/` before committing it.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from tqcheck.cli import app
from tqcheck.signature import Signature

GOLDEN = ROOT / "tests" / "golden"
MODELS = "fixtures/models"
CASES = {
    "source-aware": ["fixtures/golden/article.en.txt", "--source",
                     "fixtures/golden/article.toy.txt", "--src-lang", "toy",
                     "--models-dir", MODELS],
    "target-only": ["fixtures/golden/roundtrip.en.txt", "--pivot", "toy",
                    "--models-dir", MODELS],
    "model-free": ["fixtures/news/donbas-talks-2025-12-15.en.txt", "--model-free"],
}
TOLERANCE = 1e-3
VERSIONED = ("version", "sim", "grammar", "langid")  # dependency (and tqcheck) versions


def _unversioned(text: str) -> str:
    sig = Signature.parse(text)
    out = Signature()
    for key, value in sig.items():
        if key in VERSIONED:
            value = "*"
        elif isinstance(value, Signature):
            value = Signature({k: "*" if k == "v" else v for k, v in value.items()})
        out.add(key, value)
    return str(out)


def _differences(want: Any, got: Any, where: str = "") -> list[str]:
    if isinstance(want, dict) and isinstance(got, dict):
        if list(want) != list(got):
            return [f"{where}: keys {list(want)} != {list(got)}"]
        return [d for k in want for d in _differences(want[k], got[k], f"{where}.{k}")]
    if isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            return [f"{where}: {len(want)} items != {len(got)}"]
        return [d for i, (w, g) in enumerate(zip(want, got, strict=True))
                for d in _differences(w, g, f"{where}[{i}]")]
    both_numbers = all(isinstance(x, int | float) and not isinstance(x, bool)
                       for x in (want, got))
    if both_numbers and abs(want - got) <= TOLERANCE:
        return []
    return [] if want == got else [f"{where}: {want!r} != {got!r}"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_json_matches_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # inputs by relative path: the same in every checkout
    res = CliRunner().invoke(app, ["check", *CASES[case], "-f", "json", "-q",
                                   "--fail-on", "never"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    got["signature"] = _unversioned(got["signature"])
    got.pop("tqcheck_version")
    path = GOLDEN / f"{case}.json"
    if os.environ.get("TQCHECK_REFRESH_GOLDEN"):
        path.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", "utf-8")
    want = json.loads(path.read_text("utf-8"))
    diffs = _differences(want, got)
    assert not diffs, (f"{len(diffs)} differences from {path.relative_to(ROOT)} (refresh: "
                       "see this test's docstring):\n" + "\n".join(diffs[:25]))


def test_golden_comparison_tolerates_rounding_only() -> None:
    assert _differences({"risk": 0.5, "flags": [1]}, {"risk": 0.5004, "flags": [1]}) == []
    assert _differences({"risk": 0.5}, {"risk": 0.502}) == [".risk: 0.5 != 0.502"]
    assert _differences({"a": [1, 2]}, {"a": [1]}) == [".a: 2 items != 1"]
    assert _differences({"s": "x"}, {"s": "y"}) == [".s: 'x' != 'y'"]
