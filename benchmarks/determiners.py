"""grammar:determiner (German determiner-noun agreement) against expert error spans: its
flags on every segment of the en-de files of ../shared/data/qe-spans, and those of its sure
cases alone (grammar:determiner/gender, on by default).

    python benchmarks/determiners.py [--show]

WMT21 news en-de (the development split), WMT21 TED en-de and WMT22 dev en-de (not tuned
on). Per file: flags, flags touching an expert's error span, character precision (the share
of flagged characters inside a span, as benchmarks/fluency.py counts it) and flags per 10
segments no expert found an error in. The check runs alone on each target (with its
source), as the checker runs it. `--show` lists every flag with its context. Results:
benchmarks/results/determiners.json and a Markdown table on stdout (docs/evaluation.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.checks.determiners import Determiner  # noqa: E402
from tqcheck.evaluation.qespans import (  # noqa: E402
    SpanFigures,
    flag_figures,
    gold_labels,
    read_spans,
)
from tqcheck.testing.contexts import make_context, make_env  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "qe-spans"
FILES = ("2021_en-de_processed.tsv", "2021_TED_en-de_processed.tsv",
         "2022_en-de_dev_processed.tsv")


def run(name: str, check: Determiner, show: bool) -> dict[str, object]:
    segments = read_spans(DATA / name)
    flags = [list(check.flags(make_context(seg.target, seg.source, "de", "en")))
             for seg in segments]
    by_check, clean, _ = flag_figures(segments, flags)
    fig = next(iter(by_check.values()), SpanFigures())  # (this one instance's flags)
    touching = 0
    for seg, found in zip(segments, flags, strict=True):
        labels = gold_labels(seg)
        for f in found:
            inside = any(labels[c] for c in range(f.start, f.end))
            touching += inside
            if show:
                where = "error" if inside else ("clean" if seg.clean else "other")
                print(f"{where:5s} {seg.target[f.start:f.end]!r} -> {f.suggestion!r} | "
                      f"{seg.target[max(0, f.start - 50):f.end + 30]!r}", file=sys.stderr)
    return {"check": check.id, "file": name, "segments": len(segments), "error_free": clean,
            "flags": fig.flags,
            "touching_an_error": touching,
            "character_precision": round(fig.precision, 3) if fig.precision is not None
            else None,
            "per_10_error_free": round(10 * fig.clean_flags / clean, 3) if clean else None,
            "flagged_chars": fig.flagged_chars, "in_gold": fig.in_gold,
            "clean_flags": fig.clean_flags}


def pooled(rows: list[dict[str, object]]) -> dict[str, object]:
    """One check's figures over all three files together."""
    def total(key: str) -> int:
        return sum(int(r[key]) for r in rows)  # type: ignore[call-overload]

    chars, clean = total("flagged_chars"), total("error_free")
    return {"check": rows[0]["check"], "file": "all three", "segments": total("segments"),
            "error_free": clean, "flags": total("flags"),
            "touching_an_error": total("touching_an_error"),
            "character_precision": round(total("in_gold") / chars, 3) if chars else None,
            "per_10_error_free": round(10 * total("clean_flags") / clean, 3),
            "flagged_chars": chars, "in_gold": total("in_gold"),
            "clean_flags": total("clean_flags")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="list every flag (on stderr)")
    args = ap.parse_args()
    rows = []
    for sure in (False, True):
        per_file = [run(name, Determiner(make_env("de", "en"), sure=sure), args.show)
                    for name in FILES]
        rows += [*per_file, pooled(per_file)]
    out = ROOT / "benchmarks" / "results" / "determiners.json"
    out.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    print("| check | file | segments (error-free) | flags | touching an error | character "
          "precision | per 10 error-free |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['check']} | {r['file']} | {r['segments']} ({r['error_free']}) | "
              f"{r['flags']} | "
              f"{r['touching_an_error']} | {r['character_precision']} | "
              f"{r['per_10_error_free']} |")


if __name__ == "__main__":
    main()
