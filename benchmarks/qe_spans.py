"""Span and sentence figures on expert-annotated MT, file by file, as WMT23 QE Task 2 scores
them, each beside flagging every character (and the sentence encoder alone for ranking).

    python benchmarks/qe_spans.py [--per-file 600] [--profile default] [--target-only] [--docs]
                                  [--with-test-sets]

Model-free, source-aware (or the targets alone), on N segments spread over each file of
../shared/data/qe-spans (WMT21 news and TED to develop on; WMT22 dev kept aside). The WMT22
test files are the shared task's test sets, on which tqcheck is measured after a change
lands: they are left out unless `--with-test-sets` asks for them (for that measurement, not
for development). Results:
benchmarks/results/qe_spans_<profile>.json and a Markdown table on stdout; `--docs` also
writes it into docs/evaluation.md, between the lines `<!-- qe_spans.py PROFILE[ target-only]
-->` and `<!-- end qe_spans.py -->`. `tqcheck eval --spans FILE` gives the same for one file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.check.options import CheckOptions  # noqa: E402
from tqcheck.evaluation.mqm import guess_lang_pair  # noqa: E402
from tqcheck.evaluation.qespans import evaluate_spans  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "qe-spans"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-file", type=int, default=600)
    ap.add_argument("--profile", default="default")
    ap.add_argument("--target-only", action="store_true")
    ap.add_argument("--docs", action="store_true", help="write the table into "
                    "docs/evaluation.md (between its markers for this profile and mode)")
    ap.add_argument("--with-test-sets", action="store_true", help="the WMT22 test files "
                    "too (the measure sets: not for development)")
    args = ap.parse_args()
    rows = []
    for path in sorted(DATA.glob("*.tsv")):
        if "_test_" in path.name and not args.with_test_sets:
            continue
        src, tgt = guess_lang_pair(path.name)
        t0 = time.perf_counter()
        fig, signature = evaluate_spans(path, CheckOptions(lang=tgt, src_lang=None
                                                           if args.target_only else src,
                                                           model_free=True,
                                                           profile=args.profile),
                                        args.per_file, spread=True)
        fig["file"], fig["seconds"] = path.name, round(time.perf_counter() - t0, 1)
        fig["signature"] = str(signature)
        rows.append(fig)
        print(f"{path.name}: done", file=sys.stderr)
    kind = "_target_only" if args.target_only else ""
    out = ROOT / "benchmarks" / "results" / f"qe_spans_{args.profile}{kind}.json"
    out.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    lines = ["| file | segments | span P / R / F1 | flag every character F1 (better of minor, "
             "major) | Spearman -risk | Spearman similarity alone |", "|---|---|---|---|---|---|"]
    for r in rows:
        s = r["span"]
        e = max(r["span_flag_every_character_major"]["f1"],
                r["span_flag_every_character_minor"]["f1"])
        lines.append(f"| {r['file']} | {r['segments']} | {s['precision']:.3f} / "
                     f"{s['recall']:.3f} / {s['f1']:.3f} | {e:.3f} | {r['sentence_spearman']} | "
                     f"{r['sentence_spearman_similarity_alone']} |")
    print("\n".join(lines))
    if args.docs:
        write_docs(f"{args.profile}{' target-only' if args.target_only else ''}", lines)


def write_docs(block: str, lines: list[str]) -> None:
    """Replace the table between `<!-- qe_spans.py BLOCK -->` and its end marker."""
    import re

    doc = ROOT / "docs" / "evaluation.md"
    text = doc.read_text("utf-8")
    start, end = f"<!-- qe_spans.py {block} -->", "<!-- end qe_spans.py -->"
    pattern = re.compile(re.escape(start) + r"\n.*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        sys.exit(f"{doc} has no {start} ... {end} block to write the table into")
    doc.write_text(pattern.sub(lambda _m: "\n".join([start, *lines, end]), text, count=1),
                   "utf-8")
    print(f"wrote the table into {doc}", file=sys.stderr)


if __name__ == "__main__":
    main()
