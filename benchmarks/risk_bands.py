"""Where does a segment's risk stand among real machine translation? The risk bands of a
profile (low / medium / high, its `[risk.bands]`) measured on expert-annotated news MT.

    python benchmarks/risk_bands.py [--profile default] [--per-file 400]

Checks a sample of each 2021 news file of ../shared/data/qe-spans (en-de, en-ru, zh-en;
real MT with its sources), model-free and source-aware, with the profile; prints the risk at
the 70th and 90th percentiles (the medium and high bands' lower ends: "riskier than 70 % /
90 % of real news MT") and, per band, the share of segments annotators found an error in,
and a Major one, beside the share over all segments. Results:
benchmarks/results/risk_bands_<profile>.json.
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
from tqcheck.evaluation.qespans import read_spans  # noqa: E402
from tqcheck.pipeline.document import check_file  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "qe-spans"
FILES = ("2021_en-de_processed.tsv", "2021_en-ru_processed.tsv", "2021_zh-en_processed.tsv")


def sample(path: Path, per_file: int) -> list[tuple[str, str, bool, bool]]:
    """(source, target, has an error, has a Major error) of up to `per_file` segments, the
    annotations of one segment's raters pooled, spread over the file."""
    segments = sorted((s for s in read_spans(path) if s.source.strip() and s.target.strip()),
                      key=lambda s: (s.source, s.target))
    step = max(1, len(segments) // per_file)
    return [(s.source, s.target, not s.clean, any(sev == "major" for _, _, sev in s.spans))
            for s in segments[::step][:per_file]]


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="default")
    ap.add_argument("--per-file", type=int, default=400)
    args = ap.parse_args()
    t0 = time.perf_counter()
    risks: list[float] = []
    labels: list[tuple[bool, bool]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in FILES:
            pair = name.split("_")[1]
            src, tgt = pair.split("-")
            rows = sample(DATA / name, args.per_file)
            tsv = Path(tmp) / f"{pair}.tsv"
            tsv.write_text("source\ttarget\n" + "".join(f"{s}\t{t}\n" for s, t, _, _ in rows),
                           "utf-8")
            result = check_file(str(tsv), CheckOptions(lang=tgt, src_lang=src,
                                                       model_free=True, profile=args.profile))
            assert len(result.segments) == len(rows)
            risks += [r.risk for r in result.segments]
            labels += [(err, major) for _, _, err, major in rows]
            print(f"{name}: {len(rows)} segments", file=sys.stderr)
    medium, high = quantile(risks, 0.70), quantile(risks, 0.90)

    def share(keep: list[bool]) -> dict[str, float | int]:
        picked = [lab for lab, k in zip(labels, keep, strict=True) if k]
        n = len(picked)
        return {"segments": n,
                "with_error": round(sum(e for e, _ in picked) / n, 3) if n else 0.0,
                "with_major_error": round(sum(m for _, m in picked) / n, 3) if n else 0.0}

    result = {
        "profile": args.profile, "data": [f"../shared/data/qe-spans/{f}" for f in FILES],
        "segments": len(risks), "mode": "model-free, source-aware",
        "bands": {"medium": round(medium, 4), "high": round(high, 4)},
        "all": share([True] * len(risks)),
        "low": share([r < medium for r in risks]),
        "medium": share([medium <= r < high for r in risks]),
        "high": share([r >= high for r in risks]),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    out = ROOT / "benchmarks" / "results" / f"risk_bands_{args.profile}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(json.dumps(result, indent=2))
    print(f"\n[risk.bands]\nmedium = {medium:.4f}\nhigh = {high:.4f}")


if __name__ == "__main__":
    main()
