"""The cascade (`--budget`) against the full check, in one run: speed and detection.

    python benchmarks/cascade.py [--limit 200] [--budgets 0.1,0.3,0.5,auto] [--scaling 2000]

The detection benchmark's cases (benchmarks/detection.py: held-out toy sentences, clean and
with one injected error each; source-aware toy->en and target-only en via the toy pivot,
the committed toy models, the translation cache off so that every configuration translates)
checked with every budget and without one, and with greedy round trips (`--beams 1`) with
and without a budget of 30 %. Per configuration: segments/s, the share of
segments the models checked, and per error kind the segment AUROC (risk of the corrupted
against the clean sentences) and span F1, beside the full check's. Results:
benchmarks/results/cascade.json; docs/performance.md ("The cascade") says what they mean.

`--pivots-in-order` (needs the synonym toy, fixtures/models/{en-syn,syn-en}): target-only
English through two pivots, toy then syn, on the awkward cases above and the synonym toy's
held-out calques (benchmarks/detection.py), without a budget (both pivots for every
segment), with a budget of 1.0 (every segment checked, the second pivot only where the
first leaves doubt) and of 0.3: segments/s, the share the second pivot checked, AUROC and
span F1 per kind, and whether the flags equal the full check's.

`--scaling N` also scores N segments of real news MT (WMT21 en-de of ../shared/data/qe-spans)
model-free with `tqcheck score`, with their sources and without, in one process and with 1
and 2 worker processes (`--engine processes`): segments/s of each command, run fresh (Python
start-up, imports and loading included).

The cases hold far more errors than real MT does (each clean sentence has up to five
corrupted copies, so about 80 % of the source-aware segments have an error): a budget of
30 % cannot send every error to the models here, so the AUROCs say how well the screening
ranks the errors it can see, not what a newsroom's mostly clean text would lose.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import detection  # noqa: E402

from tqcheck.check.options import Budget, CheckOptions  # noqa: E402
from tqcheck.pipeline.checker import Checker  # noqa: E402
from tqcheck.testing.toylang import to_toy  # noqa: E402
from tqcheck.translate.base import BackendSettings  # noqa: E402


def cases(limit: int, seed: int) -> tuple[list[detection.Case], list[detection.Case]]:
    rng = random.Random(seed)
    sentences = [s for s in (ROOT / "fixtures" / "toy" / "heldout.en.txt").read_text(
        "utf-8").splitlines() if 6 <= len(s.split()) <= 40][:limit]
    vocab = sorted({m.group().lower() for s in sentences for m in detection.content_words(s)})
    src = [detection.Case("clean", to_toy(s), s) for s in sentences]
    for s in sentences:
        for make in (detection.omission, detection.addition, detection.untranslated,
                     detection.number):
            if case := make(s, rng):
                src.append(case)
        if case := detection.mistranslation(s, rng, vocab):
            src.append(case)
    tgt = [detection.Case("clean", "", s) for s in sentences]
    tgt += [c for s in sentences if (c := detection.awkward(s, rng))]
    return src, tgt


def warm_up(src: list, tgt: list) -> None:
    """Load what the model-free checks read (Harper, lingua, the dictionaries, the sentence
    encoder: once per process) before any timing, so that the first configuration timed
    does not pay it alone (runs before 2026-12-07's last did: about 7 s of its time)."""
    detection.run_cases(Checker(CheckOptions(lang="en", src_lang="toy", model_free=True)),
                        src[:4], with_source=True)
    detection.run_cases(Checker(CheckOptions(lang="en", model_free=True)), tgt[:4],
                        with_source=False)


def run(budget: Budget | None, src: list, tgt: list, models_dir: str,
        beams: int | None = None) -> dict:
    backend = BackendSettings(cache=False)
    source = Checker(CheckOptions(lang="en", src_lang="toy", models_dir=models_dir,
                                  backend=backend, budget=budget, beams=beams))
    target = Checker(CheckOptions(lang="en", pivots=("toy",), models_dir=models_dir,
                                  backend=backend, budget=budget, beams=beams))
    source.load_models(with_source=True)  # (loading is not the budget's to save)
    target.load_models(with_source=False)
    t0 = time.perf_counter()
    src_result = detection.run_cases(source, src, with_source=True)
    tgt_result = detection.run_cases(target, tgt, with_source=False)
    seconds = time.perf_counter() - t0
    segments = [*src_result.segments, *tgt_result.segments]
    kinds = (detection.categories(src, src_result, detection.SOURCE_CATEGORIES)
             | detection.categories(tgt, tgt_result, detection.TARGET_CATEGORIES))
    name = (str(budget) if budget else "full") + (f", beam {beams}" if beams else "")
    return {"budget": name, "seconds": round(seconds, 1),
            "segments_per_s": round(len(segments) / seconds, 2),
            "checked_by_models": round(sum(not r.signals.screened for r in segments)
                                       / len(segments), 3),
            "auroc": {k: v["auroc"] for k, v in kinds.items()},
            "span_f1": {k: v["span"]["f1"] for k, v in kinds.items()},
            "signature": str(src_result.signature)}


def pivots_in_order(limit: int, seed: int, models_dir: str) -> list[dict]:
    """Two pivots (toy, syn) without a budget, then in order under budgets 1.0 and 0.3."""
    rng = random.Random(seed)
    _, tgt = cases(limit, seed)
    syn = detection.synonym_cases(limit, rng)
    all_cases = [*tgt, *[c for c in syn if c.kind != "clean"]]
    table = detection.TARGET_CATEGORIES | detection.SYN_CATEGORIES
    warm_up([], tgt)
    rows, full_flags = [], None
    for budget in (None, Budget(1.0), Budget(0.3)):
        checker = Checker(CheckOptions(lang="en", pivots=("toy", "syn"), models_dir=models_dir,
                                       backend=BackendSettings(cache=False), budget=budget))
        checker.load_models(with_source=False)
        t0 = time.perf_counter()
        result = detection.run_cases(checker, all_cases, with_source=False)
        seconds = time.perf_counter() - t0
        kinds = detection.categories(all_cases, result, table)
        flags = [r.flags for r in result.segments]
        full_flags = full_flags or flags
        rows.append({
            "budget": str(budget) if budget else "full (both pivots everywhere)",
            "seconds": round(seconds, 1), "segments": len(all_cases),
            "segments_per_s": round(len(all_cases) / seconds, 2),
            "second_pivot_checked": round(sum("roundtrip:syn" in r.backtranslations
                                              for r in result.segments) / len(all_cases), 3),
            "same_flags_as_full": sum(a == b for a, b in zip(flags, full_flags, strict=True)),
            "auroc": {k: v["auroc"] for k, v in kinds.items()},
            "span_f1": {k: v["span"]["f1"] for k, v in kinds.items()}})
        print(f"pivots in order: {rows[-1]}", flush=True)
    return rows


def scaling(n: int) -> list[dict]:
    """Model-free `tqcheck score` of n segments, each configuration a fresh command (start-up,
    imports and loading included, as a user meets them)."""
    import subprocess
    import tempfile

    from tqcheck.evaluation.qespans import read_spans

    segs = read_spans(ROOT.parent / "shared" / "data" / "qe-spans" / "2021_en-de_processed.tsv")
    segs = segs[:n]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        text, source = Path(d, "mt.de.txt"), Path(d, "src.en.txt")
        text.write_text("".join(s.target.replace("\n", " ") + "\n" for s in segs), "utf-8")
        source.write_text("".join(s.source.replace("\n", " ") + "\n" for s in segs), "utf-8")
        for sourced in (True, False):
            for engine, workers in (("local", None), ("processes", 1), ("processes", 2)):
                db = Path(d, f"{sourced}{engine}{workers}.sqlite")
                cmd = [sys.executable, "-m", "tqcheck", "score", str(text), "--lang", "de",
                       "--model-free", "--db", str(db), "--quiet", "--engine", engine,
                       *(["--source", str(source), "--src-lang", "en"] if sourced else []),
                       *(["--workers", str(workers)] if workers else [])]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True)
                seconds = time.perf_counter() - t0
                from tqcheck.run.rundb import RunDB

                with RunDB(db, mode="read") as run:
                    scored = sum(1 for _ in run.results())
                rows.append({"with_source": sourced, "engine": engine, "workers": workers,
                             "segments": scored, "seconds": round(seconds, 1),
                             "segments_per_s": round(scored / seconds, 1)})
                print(f"model-free score: {rows[-1]}", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models-dir", default=str(ROOT / "fixtures" / "models"))
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--budgets", default="0.1,0.3,0.5,auto")
    ap.add_argument("--scaling", type=int, default=0, metavar="N")
    ap.add_argument("--pivots-in-order", action="store_true", help="measure two pivots in "
                    "order alone (the synonym toy), adding it to the results file")
    ap.add_argument("--scaling-only", action="store_true", help="measure the model-free "
                    "scaling alone, replacing it in the results file")
    args = ap.parse_args()
    out = ROOT / "benchmarks" / "results" / "cascade.json"
    if args.pivots_in_order:
        results = json.loads(out.read_text("utf-8")) if out.is_file() else {}
        results["pivots_in_order"] = pivots_in_order(args.limit, args.seed, args.models_dir)
        results["pivots_in_order_command"] = ("python benchmarks/cascade.py "
                                              + " ".join(sys.argv[1:]))
        out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
        return
    model_free = scaling(args.scaling) if args.scaling else []
    kept = {}  # without --scaling, the model-free rows measured before are kept
    if not args.scaling and out.is_file():
        kept = {k: v for k, v in json.loads(out.read_text("utf-8")).items()
                if k in ("model_free_scaling", "scaling_command", "pivots_in_order",
                         "pivots_in_order_command")}
    if args.scaling_only:
        results = json.loads(out.read_text("utf-8"))
        results["model_free_scaling"] = model_free
        results["scaling_command"] = "python benchmarks/cascade.py " + " ".join(sys.argv[1:])
        out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
        return
    src, tgt = cases(args.limit, args.seed)
    warm_up(src, tgt)
    rows = [run(None, src, tgt, args.models_dir)]
    rows += [run(Budget.parse(b), src, tgt, args.models_dir) for b in args.budgets.split(",")]
    # greedy round trips (beam 1) against the configured beam, alone and with a budget
    rows += [run(None, src, tgt, args.models_dir, beams=1),
             run(Budget(0.3), src, tgt, args.models_dir, beams=1)]
    full = rows[0]
    for row in rows:
        row["speedup"] = round(full["seconds"] / row["seconds"], 2)
        row["worst_auroc_drop"] = round(max(full["auroc"][k] - row["auroc"][k]
                                            for k in full["auroc"]), 4)
    print("| budget | segments/s | speed-up | checked by the models | worst AUROC drop | "
          + " | ".join(f"AUROC {k}" for k in full["auroc"]) + " |")
    for row in rows:
        print(f"| {row['budget']} | {row['segments_per_s']} | {row['speedup']} | "
              f"{row['checked_by_models']:.0%} | {row['worst_auroc_drop']} | "
              + " | ".join(str(v) for v in row["auroc"].values()) + " |")
    out.write_text(json.dumps({"cases": {"source-aware": len(src), "target-only": len(tgt)},
                               "command": "python benchmarks/cascade.py " + " ".join(
                                   sys.argv[1:]), "rows": rows,
                               "model_free_scaling": model_free, **kept}, indent=2) + "\n",
                              "utf-8")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
