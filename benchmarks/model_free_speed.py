"""Model-free `check` speed: segments per second of a source-aware (and a target-only) check
of WMT21 news MT, per target language and profile, in one process.

    python benchmarks/model_free_speed.py [--n 600] [--profiles default,spans]

N segments spread over each of ../shared/data/qe-spans/2021_{en-de,en-ru,zh-en}_processed.tsv,
checked by the library's `Checker` in chunks of 256 (as `check` does) after a warm-up chunk
that loads every resource (dictionaries, encoders, Harper), so that the figures are the
steady state a long run sees. Results: benchmarks/results/model_free_speed.json and a
Markdown table on stdout (docs/performance.md).
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
from tqcheck.evaluation.qespans import read_spans  # noqa: E402
from tqcheck.pipeline.checker import Checker  # noqa: E402
from tqcheck.types import Segment  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "qe-spans"
PAIRS = ("en-de", "en-ru", "zh-en")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--profiles", default="default,spans")
    args = ap.parse_args()
    rows = []
    for pair in PAIRS:
        src, tgt = pair.split("-")
        segs = read_spans(DATA / f"2021_{pair}_processed.tsv")
        segs = segs[::max(1, len(segs) // (args.n + 16))][:args.n + 16]
        warm, timed = segs[:16], segs[16:]
        for profile in args.profiles.split(","):
            for with_source in (True, False):
                checker = Checker(CheckOptions(lang=tgt, src_lang=src if with_source else None,
                                               model_free=True, profile=profile))
                checker.check(_segments(warm, with_source))
                t0 = time.perf_counter()
                flags = 0
                for lo in range(0, len(timed), 256):
                    result = checker.check(_segments(timed[lo:lo + 256], with_source, lo))
                    flags += sum(len(r.flags) for r in result.segments)
                seconds = time.perf_counter() - t0
                rows.append({"pair": pair, "profile": profile, "source": with_source,
                             "segments": len(timed), "seconds": round(seconds, 2),
                             "segments_per_s": round(len(timed) / seconds, 1),
                             "flags": flags})
                print(rows[-1], file=sys.stderr)
    out = ROOT / "benchmarks" / "results" / "model_free_speed.json"
    out.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    print("| pair | profile | with source | segments | seconds | segments/s | flags |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['pair']} | {r['profile']} | {'yes' if r['source'] else 'no'} | "
              f"{r['segments']} | {r['seconds']} | {r['segments_per_s']} | {r['flags']} |")


def _segments(part: list, with_source: bool, offset: int = 0) -> list[Segment]:
    return [Segment(offset + k, s.target, 0, len(s.target), offset + k + 1,
                    source=s.source if with_source else None) for k, s in enumerate(part)]


if __name__ == "__main__":
    main()
