"""Span and sentence figures on expert-annotated MT, file by file, as WMT23 QE Task 2 scores
them, each beside flagging every character (and the sentence encoder alone for ranking).

    python benchmarks/qe_spans.py [--per-file 600] [--profile default] [--target-only]

Model-free, source-aware (or the targets alone), on N segments spread over each file of
../shared/data/qe-spans (WMT21 news and TED to develop on; WMT22 kept aside). Results:
benchmarks/results/qe_spans_<profile>.json and a Markdown table on stdout (docs/evaluation.md
holds the one from the last run). `tqcheck eval --spans FILE` gives the same for one file.
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
    args = ap.parse_args()
    rows = []
    for path in sorted(DATA.glob("*.tsv")):
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
    print("| file | segments | span P / R / F1 | flag every character F1 (better of minor, "
          "major) | Spearman -risk | Spearman similarity alone |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        s = r["span"]
        e = max(r["span_flag_every_character_major"]["f1"],
                r["span_flag_every_character_minor"]["f1"])
        print(f"| {r['file']} | {r['segments']} | {s['precision']:.3f} / {s['recall']:.3f} / "
              f"{s['f1']:.3f} | {e:.3f} | {r['sentence_spearman']} | "
              f"{r['sentence_spearman_similarity_alone']} |")


if __name__ == "__main__":
    main()
