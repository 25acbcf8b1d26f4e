"""How precise are the model-free checks on real MT? Each check's flags against expert error
spans (../shared/data/qe-spans), per language pair, and its false flags on segments the
experts found no error in.

    python benchmarks/fluency.py [--per-file 600] [--profile default]

`--per-file 0` checks every segment of each file.
For en-de and en-ru (German and Russian targets): WMT21 news (the development split) and
WMT22 dev (kept aside: not tuned on). A check's precision is the share of the characters it
flags that lie in a gold error span (any rater, any severity); beside it, the share of all
target characters in gold spans (what flagging at random would score), and the check's flags
per 10 error-free segments. Results: benchmarks/results/fluency.json and a Markdown table on
stdout (docs/evaluation.md holds the one from the last run).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.check.options import CheckOptions  # noqa: E402
from tqcheck.evaluation.qespans import flag_figures, read_spans  # noqa: E402
from tqcheck.pipeline.document import check_file  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "qe-spans"
FILES = {"en-de": ("2021_en-de_processed.tsv", "2022_en-de_dev_processed.tsv"),
         "en-ru": ("2021_en-ru_processed.tsv", "2022_en-ru_dev_processed.tsv")}


def run(name: str, pair: str, per_file: int, profile: str) -> dict:
    src, tgt = pair.split("-")
    segments = read_spans(DATA / name)
    per_file = per_file or len(segments)  # 0: every segment
    step = max(1, len(segments) // per_file)
    segments = [s for s in segments[::step] if "\t" not in s.source + s.target
                and "\n" not in s.source + s.target][:per_file]
    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "sample.tsv"
        tsv.write_text("source\ttarget\n" + "".join(f"{s.source}\t{s.target}\n"
                                                     for s in segments), "utf-8")
        t0 = time.perf_counter()
        result = check_file(str(tsv), CheckOptions(lang=tgt, src_lang=src, model_free=True,
                                                   profile=profile))
        seconds = time.perf_counter() - t0
    # the reader strips each row: offsets of a stripped target shift by its leading blanks
    flags = []
    for seg, r in zip(segments, result.segments, strict=True):
        shift = len(seg.target) - len(seg.target.lstrip())
        flags.append([f.__class__(f.start + shift, f.end + shift, f.category, f.severity,
                                  f.message, f.suggestion, f.side, f.signal) for f in r.flags])
    by_check, clean, gold = flag_figures(segments, flags)
    by_category, _, _ = flag_figures(segments, flags, key="category")
    chars = sum(len(s.target) for s in segments)

    def table(figs: dict) -> dict:
        return {k: {"flags": v.flags, "precision": round(v.precision, 3)
                    if v.precision is not None else None,
                    "per_10_clean": round(10 * v.clean_flags / clean, 2) if clean else None}
                for k, v in sorted(figs.items())}

    return {"file": name, "pair": pair, "segments": len(segments), "clean_segments": clean,
            "gold_share": round(gold / chars, 3), "segments_per_s": round(len(segments)
                                                                         / seconds, 1),
            "by_check": table(by_check), "by_category": table(by_category)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-file", type=int, default=600)
    ap.add_argument("--profile", default="default")
    args = ap.parse_args()
    results = [run(name, pair, args.per_file, args.profile)
               for pair, names in FILES.items() for name in names]
    out = ROOT / "benchmarks" / "results" / "fluency.json"
    out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print("| file | segments (clean) | gold share | check | flags | precision | "
          "per 10 clean |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        for check, fig in r["by_check"].items():
            print(f"| {r['file']} | {r['segments']} ({r['clean_segments']}) | "
                  f"{r['gold_share']} | {check} | {fig['flags']} | {fig['precision']} | "
                  f"{fig['per_10_clean']} |")


if __name__ == "__main__":
    main()
