"""Local engine against `--engine ray` with 1 and 2 actors, in one run, on one machine.

    python benchmarks/scaling.py [--n 200] [--backend ct2] [--out FILE.json]

On the same-shape random opus-mt pair of benchmarks/throughput.py (en-fr, fr-en; built under
benchmarks/.models/ on first use, decoding capped at 32 new pieces) and the same N English
sentences, it scores the corpus target-only through the fr pivot three times, each into a
new run database and without the translation cache (every translation computed):
  local   the in-process engine, all cores (2 threads here)
  ray-1   one Ray actor with 1 CPU (1 thread)
  ray-2   two Ray actors with 1 CPU each
The Ray cluster is started on this machine for the run. Models are loaded and the actors
started before the clock starts (a warm-up chunk each), so the figures are steady-state
segments/s; the start-up (actors, model loading) is reported apart. The exported rows of
the three runs must be identical. Last, the driver's own ceiling: how fast one run database
takes synthetic results (a chunk per transaction), whatever the engine.
Results: benchmarks/results/scaling.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import MODELS, build_models, config_dir, corpus  # noqa: E402


def commit_ceiling(folder: Path, n: int = 20_000, chunk: int = 256) -> dict[str, float]:
    """Segments per second one run database commits: results shaped like a source-aware
    check's (every signal, five back-translations, one flag), `chunk` per transaction."""
    from tqcheck.run.rundb import RunDB
    from tqcheck.signals import Agreement, Signals, Surprisal
    from tqcheck.types import Flag, Segment, SegmentResult

    signals = Signals(
        similarity=0.7, roundtrip={"fr": Agreement(60, 30, 40), "de": Agreement(70, 40, 30)},
        pivot_surprisal={"fr": Surprisal(-1, 0.3, 3), "de": Surprisal(-1, 0.3, 3)},
        backtranslation=Agreement(55, 20, 60), pseudo_reference=Agreement(66, 33, 50),
        source_surprisal=Surprisal(-2, 0.3, 4), reverse_surprisal=Surprisal(-3, 2, 9),
        source_roundtrip=Agreement(80, 50, 20))
    text = "The minister said the talks had failed on Monday in Geneva."
    source = "Le ministre a dit que les pourparlers avaient échoué lundi à Genève."
    db = RunDB(folder / "commit.sqlite")
    file_id = db.file_state("corpus.txt", "text").id
    rows = []
    t0 = time.perf_counter()
    for i in range(n):
        seg = Segment(id=i, text=text, start=0, end=len(text), line=i + 1, source=source)
        rows.append((file_id, i, "doc", str(i), SegmentResult(
            segment=seg, signals=signals, risk=0.4,
            backtranslations={k: text for k in ("roundtrip:fr", "roundtrip:de",
                                                "backtranslation:fr", "pseudo_reference",
                                                "source_roundtrip")},
            flags=[Flag(4, 12, "Style/Awkward", "Minor", "m", signal="likelihood")])))
        if len(rows) == chunk:
            db.write_chunk(rows, 1.0, [], "signature")
            rows = []
    seconds = time.perf_counter() - t0
    db.close()
    return {"segments": n, "chunk_segments": chunk, "seconds": round(seconds, 2),
            "segments_per_s": round(n / seconds)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200, help="sentences")
    ap.add_argument("--backend", choices=("ct2", "torch"), default="ct2")
    ap.add_argument("--device", default="cpu", help="cpu, or cuda on a GPU node (the Ray "
                    "actors then share the GPU: 1/actors each)")
    ap.add_argument("--chunk", type=int, default=16, help="segments per chunk")
    ap.add_argument("--max-new-tokens", type=int, default=32)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                    "scaling.json")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tqcheck-scaling-"))
    os.environ["TQCHECK_CONFIG_DIR"] = str(config_dir(args.max_new_tokens, tmp))
    os.environ["HF_HUB_OFFLINE"] = "1"
    build_models()

    import ray

    from tqcheck.batch.engine import LocalEngine, RayEngine, RayOptions, results_in_order
    from tqcheck.batch.runner import ScoreOptions, score_corpus
    from tqcheck.check.options import CheckOptions
    from tqcheck.output.export import export_run
    from tqcheck.pipeline.checker import Checker
    from tqcheck.run.rundb import RunDB
    from tqcheck.translate.base import BackendSettings
    from tqcheck.types import Segment

    sentences = corpus(args.n)
    text = tmp / "corpus.en.txt"
    text.write_text("\n".join(sentences) + "\n", "utf-8")
    warm = [[Segment(id=0, text="A warm-up sentence for the models.", start=0, end=34,
                     line=1)]]

    def options(threads: int) -> ScoreOptions:
        backend = BackendSettings(kind=args.backend, device=args.device, threads=threads,
                                  cache=False, cache_dir=str(tmp / "cache"))
        return ScoreOptions(check=CheckOptions(lang="en", pivots=("fr",), models_dir=str(MODELS),
                                               backend=backend, language_id=False),
                            chunk_segments=args.chunk)

    runs: dict[str, dict] = {}
    exports: dict[str, str] = {}
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
             object_store_memory=256 * 2**20)
    try:
        for name, actors in (("local", 0), ("ray-1", 1), ("ray-2", 2)):
            t0 = time.perf_counter()
            if actors:
                opts = options(1)
                gpus = 0.0 if args.device == "cpu" else 1 / actors
                engine = RayEngine(opts.check, RayOptions(actors=actors, actor_cpus=1,
                                                          actor_gpus=gpus))
                # one warm-up chunk per actor: both load their models before the clock
                results_in_order(engine, warm * actors)
            else:
                opts = options(0)
                engine = LocalEngine(Checker(opts.check))
                results_in_order(engine, warm)
            startup = time.perf_counter() - t0
            db = tmp / f"{name}.sqlite"
            t0 = time.perf_counter()
            stats = score_corpus([str(text)], db, opts, engine=engine)
            seconds = time.perf_counter() - t0
            engine.close()
            buf = io.StringIO()
            with RunDB(db, mode="read") as run:
                export_run(run, "jsonl", buf)
            exports[name] = buf.getvalue()
            runs[name] = {"actors": actors, "threads_per_worker": 1 if actors else os.cpu_count(),
                          "segments": stats.segments_scored, "seconds": round(seconds, 2),
                          "segments_per_s": round(stats.segments_scored / seconds, 3),
                          "startup_seconds": round(startup, 1)}
            print(f"{name:6} {stats.segments_scored} segments in {seconds:6.1f} s: "
                  f"{runs[name]['segments_per_s']:.2f}/s (start-up {startup:.1f} s)",
                  file=sys.stderr)
    finally:
        ray.shutdown()
    ceiling = commit_ceiling(tmp)
    print(f"driver: commits {ceiling['segments_per_s']} segments/s", file=sys.stderr)
    local = runs["local"]["segments_per_s"]
    result = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "ray": ray.__version__},
        "corpus": {"sentences": len(sentences), "chunk_segments": args.chunk},
        "model": "same-shape random opus-mt pair (benchmarks/throughput.py), target-only, "
                 f"pivot fr, beam 4, max {args.max_new_tokens} new pieces",
        "backend": args.backend, "device": args.device, "runs": runs,
        "ratio_ray2_to_local": round(runs["ray-2"]["segments_per_s"] / local, 3),
        "ratio_ray1_to_local": round(runs["ray-1"]["segments_per_s"] / local, 3),
        "identical_results": len(set(exports.values())) == 1,
        "driver_commit_ceiling": ceiling,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(json.dumps({k: result[k] for k in ("ratio_ray2_to_local", "ratio_ray1_to_local",
                                             "identical_results")}), file=sys.stderr)


if __name__ == "__main__":
    main()
