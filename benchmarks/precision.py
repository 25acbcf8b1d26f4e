"""Which checks raise false alarms? Precision of each check (flag `signal`) on MQM data, and
its flags on clean human-written text and on a news article.

    python benchmarks/precision.py ../shared/data/mqm/mqm_ted_zhen.tsv \
        --clean /tmp/ted-en.txt --article fixtures/news/donbas-talks-2025-12-15.en.txt

For each check: its flags on the MQM translations, the share of their characters that fall
in an annotated error span of any category (character precision; `tqcheck eval` gives the
same per category), and its flags per 100 segments of the clean text. With `--model-free`
(the default here) only the checks that need no translation model run. Results:
benchmarks/results/precision_model_free.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.check.options import CheckOptions  # noqa: E402
from tqcheck.evaluation.figures import EvalOptions, false_alarms, run_checker  # noqa: E402
from tqcheck.evaluation.mqm import guess_lang_pair, read_mqm  # noqa: E402
from tqcheck.pipeline.document import check_file  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mqm", help="MQM TSV")
    ap.add_argument("--clean", help="human-written text in the target language")
    ap.add_argument("--article", help="a text whose flags are listed in full")
    ap.add_argument("--profile", default="default")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                    "precision_model_free.json")
    args = ap.parse_args()
    src, tgt = guess_lang_pair(args.mqm)
    opts = EvalOptions(CheckOptions(lang=tgt, src_lang=src, model_free=True,
                                    profile=args.profile))
    mqm = read_mqm(args.mqm)
    results, signature = run_checker(mqm, opts)
    chars, hits, count = Counter(), Counter(), Counter()
    for m, r in zip(mqm, results, strict=True):
        for f in r.flags:
            gold = {i for e in m.errors if e.span is not None and e.span.side == f.side
                    and e.severity.lower() in ("major", "minor")
                    for i in range(e.span.start, e.span.end)}
            span = set(range(f.start, f.end))
            chars[f.signal] += len(span)
            hits[f.signal] += len(span & gold)
            count[f.signal] += 1
    report: dict = {"signature": str(signature), "mqm": args.mqm, "segments": len(mqm),
                    "overall_precision": sum(hits.values()) / max(1, sum(chars.values())),
                    "checks": {k: {"flags": count[k], "chars": chars[k],
                                   "precision": round(hits[k] / chars[k], 4)}
                               for k in sorted(chars, key=lambda k: -chars[k])}}
    if args.clean:
        human = CheckOptions(lang=tgt, model_free=True, profile=args.profile)
        clean = check_file(args.clean, human)
        report["clean"] = {"file": args.clean, **false_alarms(clean.segments)}
    if args.article:
        article = check_file(args.article, CheckOptions(lang=tgt, model_free=True,
                                                         profile=args.profile))
        report["article"] = {"file": args.article, "flags": [
            {"text": r.excerpt(f), "signal": f.signal, "suggestion": f.suggestion}
            for r in article.segments for f in r.flags]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"{len(mqm)} segments of {args.mqm}: character precision of all flags "
          f"{report['overall_precision']:.3f}")
    print(f"{'check':58} {'flags':>6} {'chars':>6} {'precision':>9}")
    for name, row in report["checks"].items():
        print(f"{name:58} {row['flags']:6d} {row['chars']:6d} {row['precision']:9.3f}")
    if "clean" in report:
        c = report["clean"]
        print(f"clean text {c['file']}: {c['flags']} flags in {c['segments']} segments = "
              f"{c['flags_per_100']:.1f} per 100; by check: " + ", ".join(
                  f"{k} {v:.2f}" for k, v in c["by_signal"].items()))
    if "article" in report:
        flags = report["article"]["flags"]
        print(f"article {report['article']['file']}: {len(flags)} flags")
        for f in flags:
            print(f"  {f['signal']:58} {f['text']!r} -> {f['suggestion']!r}")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
