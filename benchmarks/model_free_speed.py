"""Model-free `check` speed: segments per second of a source-aware (and a target-only) check
of WMT21 news MT, per target language and profile, in one process.

    python benchmarks/model_free_speed.py [--n 600] [--profiles default,spans]

N segments spread over each of ../shared/data/qe-spans/2021_{en-de,en-ru,zh-en}_processed.tsv,
checked by the library's `Checker` in chunks of 256 (as `check` does), each configuration
in a fresh process, after a warm-up chunk of 16 segments (the sentence encoder, Harper and
the like load there; a resource first needed later, such as a Hunspell dictionary, loads
inside the timing, as it would in a run). Results: benchmarks/results/model_free_speed.json
and a Markdown table on stdout (docs/performance.md).
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
    ap.add_argument("--one", nargs=3, metavar=("PAIR", "PROFILE", "SOURCE"),
                    help=argparse.SUPPRESS)  # a single configuration, in this process
    args = ap.parse_args()
    if args.one:
        pair, profile, source = args.one
        print(json.dumps(one(pair, profile, source == "yes", args.n)))
        return
    import subprocess

    rows = []
    for pair in PAIRS:
        for profile in args.profiles.split(","):
            for source in ("yes", "no"):
                out = subprocess.run([sys.executable, __file__, "--n", str(args.n), "--one",
                                      pair, profile, source], check=True,
                                     capture_output=True, text=True).stdout
                rows.append(json.loads(out.strip().splitlines()[-1]))
                print(rows[-1], file=sys.stderr)
    out = ROOT / "benchmarks" / "results" / "model_free_speed.json"
    out.write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    print("| pair | profile | with source | segments | seconds | segments/s | flags |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['pair']} | {r['profile']} | {'yes' if r['source'] else 'no'} | "
              f"{r['segments']} | {r['seconds']} | {r['segments_per_s']} | {r['flags']} |")


def one(pair: str, profile: str, with_source: bool, n: int) -> dict[str, object]:
    src, tgt = pair.split("-")
    segs = read_spans(DATA / f"2021_{pair}_processed.tsv")
    segs = segs[::max(1, len(segs) // (n + 16))][:n + 16]
    warm, timed = segs[:16], segs[16:]
    checker = Checker(CheckOptions(lang=tgt, src_lang=src if with_source else None,
                                   model_free=True, profile=profile))
    checker.check(_segments(warm, with_source))
    t0 = time.perf_counter()
    flags = 0
    for lo in range(0, len(timed), 256):
        result = checker.check(_segments(timed[lo:lo + 256], with_source, lo))
        flags += sum(len(r.flags) for r in result.segments)
    seconds = time.perf_counter() - t0
    return {"pair": pair, "profile": profile, "source": with_source,
            "segments": len(timed), "seconds": round(seconds, 2),
            "segments_per_s": round(len(timed) / seconds, 1), "flags": flags}


def _segments(part: list, with_source: bool, offset: int = 0) -> list[Segment]:
    return [Segment(offset + k, s.target, 0, len(s.target), offset + k + 1,
                    source=s.source if with_source else None) for k, s in enumerate(part)]


if __name__ == "__main__":
    main()
