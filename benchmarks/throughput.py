"""Throughput and memory of `tqcheck score` on opus-mt-shaped models, in one run.

    python benchmarks/throughput.py [--n 200] [--sizes 1000,10000] [--out FILE.json]

No opus-mt weights can be downloaded here, so the script builds a *same-shape* random Marian
pair (en-fr, fr-en: d_model 512, 6+6 layers, 8 heads, FFN 2048, 59k vocabulary; the
opus-mt architecture) under benchmarks/.models/ (reused on later runs). Random weights
never choose end-of-sentence, so every output runs to the decoding cap, which is set to a
realistic sentence length (`--max-new-tokens`, 32 pieces ≈ a 20-word sentence).

On the same N English sentences (from the shared MQM data) it times the target-only passes
tqcheck makes per segment with one pivot (en→fr beam 4, fr→en beam 4, forced decoding
fr→en of the original):
  naive      a per-sentence transformers loop (generate, generate, forward)
  torch      `tqcheck score --backend torch`
  ct2        `tqcheck score --backend ct2` (int8 on CPU)
  raw_ct2    the same three passes as bare CTranslate2 calls (translate_batch twice,
             score_batch once) on the same converted model, batched and threaded as the
             ct2 backend is, tokenisation included
  cached     `tqcheck score --backend ct2` again on a new database, warm translation cache
Model loading is outside every timing. Then it scores larger corpora (`--sizes`) with the
ct2 backend in a fresh process each and reports wall time and the process's peak RSS
(VmHWM), and, apart, the peak of each one-time ct2 conversion process.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "benchmarks" / ".models"
SHAPE = {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048}
# opus-mt ties the output projection to the embeddings; a *random* tied model echoes its
# last token forever (the same output for every input, which the cache and deduplication
# would then make look cheap). An untied projection of the same size costs the same per
# step and gives distinct outputs for distinct inputs.
RANDOM_ONLY = {"tie_word_embeddings": False}
VOCAB = 59000
MQM = ROOT.parent / "shared" / "data" / "mqm"


def english_sentences() -> list[str]:
    found: set[str] = set()
    for name, column in (("mqm_ted_zhen.tsv", "target"), ("mqm_ted_ende.tsv", "source")):
        path = MQM / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                text = re.sub(r"</?v>", "", row[column]).strip()
                if 4 <= len(text.split()) <= 40:
                    found.add(text)
    if not found:  # outside this workplace: the committed toy corpus
        found = set((ROOT / "fixtures" / "toy" / "train.en.txt").read_text("utf-8").split("\n"))
        found.discard("")
    return sorted(found)


def corpus(n: int, seed: int = 0) -> list[str]:
    """n distinct sentences: real ones first, then halves of two real ones joined.

    Only texts that tqcheck reads as one segment: the naive loop and the raw calls take
    each line as one input, so every run must see the same units (with random weights each
    input decodes to the cap, so a line split in two would cost tqcheck a second decoding).
    """
    from tqcheck.inputs.reader import input_settings
    from tqcheck.inputs.segment import segment_line

    def one(s: str) -> bool:
        return len(segment_line(s, "en", input_settings().max_segment_chars)) == 1

    base = [s for s in english_sentences() if one(s)]
    rng = random.Random(seed)
    rng.shuffle(base)
    out = base[:n]
    seen = set(out)
    while len(out) < n:
        a, b = rng.choice(base).split(), rng.choice(base).split()
        s = " ".join(a[: len(a) // 2] + b[len(b) // 2:])
        if s not in seen and one(s):
            seen.add(s)
            out.append(s)
    return out


def build_models() -> Path:
    """The same-shape random pair, built once (SentencePiece, a vocabulary padded to 59 001, two
    Marians)."""
    from tqcheck.testing.marian import build_random_pair

    paths = [MODELS / p / "config.json" for p in ("en-fr", "fr-en")]
    configs = [json.loads(p.read_text()) if p.is_file() else {} for p in paths]
    if all(c.get("tie_word_embeddings") is False and c.get("vocab_size") == VOCAB + 1
           for c in configs):
        return MODELS
    rng = random.Random(1)
    syllables = [a + b for a in "bcdfghjklmnprstvwz" for b in "aeiou"]
    words = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
                    for _ in range(120_000)})
    text = english_sentences() * 3 + [
        " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))) for _ in range(50_000)]
    for seed, pair in enumerate(("en-fr", "fr-en")):
        src, tgt = pair.split("-")
        t0 = time.perf_counter()
        build_random_pair(MODELS / pair, text, src, tgt, vocab_size=VOCAB, seed=seed,
                          min_vocab=VOCAB + 1, **SHAPE, **RANDOM_ONLY)
        print(f"built {pair} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return MODELS


def config_dir(max_new_tokens: int, tmp: Path) -> Path:
    """A copy of configs/ whose decoding cap is `max_new_tokens`."""
    out = tmp / "configs"
    shutil.copytree(ROOT / "configs", out)
    path = out / "models.toml"
    text = re.sub(r"(?m)^max_new_tokens = \d+", f"max_new_tokens = {max_new_tokens}",
                  path.read_text("utf-8"))
    path.write_text(text, "utf-8")
    return out


def write_corpus(sentences: list[str], folder: Path, per_file: int = 50) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(0, len(sentences), per_file):
        (folder / f"doc{k // per_file:05d}.txt").write_text(
            "\n".join(sentences[k:k + per_file]) + "\n", "utf-8")
    return folder


def naive(sentences: list[str], max_new: int) -> float:
    """Per-sentence transformers: what a first script would do."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tok_f = MarianTokenizer.from_pretrained(str(MODELS / "en-fr"))
    tok_b = MarianTokenizer.from_pretrained(str(MODELS / "fr-en"))
    fwd = MarianMTModel.from_pretrained(str(MODELS / "en-fr")).eval()
    back = MarianMTModel.from_pretrained(str(MODELS / "fr-en")).eval()
    t0 = time.perf_counter()
    with torch.no_grad():
        for s in sentences:
            enc = tok_f(s, return_tensors="pt")
            pivot = tok_f.decode(fwd.generate(**enc, num_beams=4, max_new_tokens=max_new)[0],
                                 skip_special_tokens=True)
            enc = tok_b(pivot, return_tensors="pt")
            back.generate(**enc, num_beams=4, max_new_tokens=max_new)
            labels = tok_b(text_target=s, return_tensors="pt")["input_ids"]
            logits = back(**enc, labels=labels).logits
            torch.log_softmax(logits, -1).gather(-1, labels.unsqueeze(-1))
    return time.perf_counter() - t0


def raw_ct2(sentences: list[str], max_new: int, cache_dir: Path, dec: Any) -> tuple[float, int]:
    """The three passes as bare CTranslate2 calls on tqcheck's converted models, batched and
    threaded as the ct2 backend does; also the number of distinct pivots (tqcheck translates
    each distinct text once)."""
    import ctranslate2
    import sentencepiece as spm

    from tqcheck.translate.backends.ct2 import convert, cpu_replicas
    from tqcheck.translate.hub import fingerprint_dir

    def load(pair: str):
        path = MODELS / pair
        conv = convert(path, fingerprint_dir(path), cache_dir, "int8")
        inter, intra = cpu_replicas(dec.ct2_parallel_batches)
        return (ctranslate2.Translator(str(conv), device="cpu", compute_type="int8",
                                       inter_threads=inter, intra_threads=intra),
                spm.SentencePieceProcessor(model_file=str(path / "source.spm")))

    (fwd, sp_f), (back, sp_b) = load("en-fr"), load("fr-en")
    opts = {"max_batch_size": dec.ct2_batch_tokens, "batch_type": "tokens"}
    t0 = time.perf_counter()
    src = [[*p, "</s>"] for p in sp_f.encode(sentences, out_type=str)]
    out = fwd.translate_batch(src, beam_size=4, max_decoding_length=max_new, **opts)
    pivots = [sp_f.decode(r.hypotheses[0]) for r in out]
    src_b = [[*p, "</s>"] for p in sp_b.encode(pivots, out_type=str)]
    back.translate_batch(src_b, beam_size=4, max_decoding_length=max_new, **opts)
    back.score_batch(src_b, sp_b.encode(sentences, out_type=str), **opts)
    return time.perf_counter() - t0, len(set(pivots))


def tqcheck_run(inputs: Path, db: Path, backend: str, cache_dir: Path) -> tuple[float, dict]:
    """score_corpus with models loaded beforehand (a warm-up sentence, not cached)."""
    from tqcheck.batch.runner import ScoreOptions, score_corpus
    from tqcheck.check.options import CheckOptions
    from tqcheck.translate.base import BackendSettings
    from tqcheck.translate.factory import ModelFactory
    from tqcheck.translate.registry import load_registry

    settings = BackendSettings(kind=backend, cache_dir=str(cache_dir))
    factory = ModelFactory(str(MODELS), load_registry().decoding, settings)
    for pair in ("en-fr", "fr-en"):
        b = factory(pair)
        inner = getattr(b, "inner", b)  # load the engine now, outside the timing
        inner.translate(["Warm-up sentence."])
    # The rule checkers load their own models (language identification, Harper) on first
    # use: outside the timing too, like the translation models.
    from tqcheck.pipeline.checker import Checker
    from tqcheck.types import Segment

    warm = "A warm-up sentence for the rules."
    Checker(CheckOptions(lang="en", model_free=True)).check([Segment(0, warm, 0, len(warm), 1)])
    opts = ScoreOptions(check=CheckOptions(lang="en", pivots=("fr",), models_dir=str(MODELS),
                                           backend=settings))
    t0 = time.perf_counter()
    stats = score_corpus([str(inputs)], db, opts, factory=factory)
    return time.perf_counter() - t0, stats.to_dict()


# Peak memory is read in the measured process itself (VmHWM, Linux): ru_maxrss of a
# forked child also counts the parent's memory at fork time, here the models this script
# has loaded, which would swamp the figure.
PEAK = ("import atexit, re, sys\n"
        "atexit.register(lambda: sys.stderr.write('\\nPEAK_KB ' + re.search(\n"
        "    r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1) + '\\n'))\n")


def _run(code: str, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of `python -c code args` (that process only)."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK + code, *args], env=env, check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    peak = re.findall(r"PEAK_KB (\d+)", done.stderr)
    if done.returncode != 0 or not peak:
        raise SystemExit(f"{' '.join(args[:2])} failed: {done.stderr[-2000:]}")
    return wall, int(peak[-1]) / 1024


def scaled(n: int, tmp: Path, cache_dir: Path, env: dict[str, str]) -> dict:
    """`tqcheck score --backend ct2` on n segments in a fresh process: time and peak RSS.

    The one-time CTranslate2 conversions come first, each in its own process as tqcheck
    runs them (transformers holds the float32 model meanwhile), measured apart: a long run
    pays them at most once per model and cache directory.
    """
    from tqcheck.translate.backends.ct2 import conversion_dir
    from tqcheck.translate.hub import fingerprint_dir

    # tqcheck's own conversion child (`python -m tqcheck.translate.backends.ct2 DIR OUT Q`).
    code = "import runpy\nrunpy.run_module('tqcheck.translate.backends.ct2', run_name='__main__')"
    convert_peaks = []
    for pair in ("en-fr", "fr-en"):
        out = conversion_dir(fingerprint_dir(MODELS / pair), cache_dir, "int8")
        convert_peaks.append(_run(code, [str(MODELS / pair), str(out), "int8"], env)[1])
    folder = write_corpus(corpus(n, seed=n), tmp / f"scale{n}")
    wall, peak = _run("from tqcheck.cli import main; main()", [
        "score", str(folder), "--db", str(tmp / f"scale{n}.sqlite"), "--backend", "ct2",
        "--models-dir", str(MODELS), "--pivot", "fr", "--cache-dir", str(cache_dir), "--quiet"],
        env)
    return {"segments": n, "wall_s": round(wall, 1), "segments_per_s": round(n / wall, 2),
            "peak_rss_mb": round(peak, 1),
            "conversion_peak_rss_mb": [round(x, 1) for x in convert_peaks]}


def save(result: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")


def compare(args: argparse.Namespace, tmp: Path, dec: Any) -> dict:
    """The five timings on the same sentences, in this process (one run)."""
    sentences = corpus(args.n)
    inputs = write_corpus(sentences, tmp / "corpus")
    result: dict = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                "python": platform.python_version()},
                    "model_shape": {**SHAPE, "vocab": json.loads(
                        (MODELS / "fr-en" / "config.json").read_text())["vocab_size"]},
                    "decoding": {"num_beams": 4, "max_new_tokens": args.max_new_tokens},
                    "batching": {"batch_tokens": dec.batch_tokens,
                                 "ct2_batch_tokens": dec.ct2_batch_tokens,
                                 "ct2_logits_mb": dec.ct2_logits_mb,
                                 "ct2_parallel_batches": dec.ct2_parallel_batches},
                    "n": args.n, "seconds": {}}
    sec = result["seconds"]
    if not args.skip_naive:
        sec["naive"] = naive(sentences, args.max_new_tokens)
        print(f"naive loop: {sec['naive']:.1f} s", file=sys.stderr)
    sec["torch"], _ = tqcheck_run(inputs, tmp / "torch.sqlite", "torch", tmp / "cache-torch")
    print(f"tqcheck torch: {sec['torch']:.1f} s", file=sys.stderr)
    sec["ct2"], stats = tqcheck_run(inputs, tmp / "ct2.sqlite", "ct2", tmp / "cache-ct2")
    print(f"tqcheck ct2: {sec['ct2']:.1f} s", file=sys.stderr)
    if stats["segments_scored"] != args.n:  # corpus() should have made this impossible
        raise SystemExit(f"tqcheck scored {stats['segments_scored']} segments for {args.n} "
                         "sentences: the runs did not see the same units")
    sec["raw_ct2"], distinct_pivots = raw_ct2(sentences, args.max_new_tokens, tmp / "cache-ct2",
                                              dec)
    print(f"raw ct2: {sec['raw_ct2']:.1f} s", file=sys.stderr)
    sec["cached"], cached_stats = tqcheck_run(inputs, tmp / "cached.sqlite", "ct2",
                                              tmp / "cache-ct2")
    print(f"tqcheck ct2, cached: {sec['cached']:.2f} s", file=sys.stderr)
    result["segments_per_s"] = {k: round(args.n / v, 2) for k, v in sec.items()}
    result["ratios"] = {
        **({"ct2_vs_naive": round(sec["naive"] / sec["ct2"], 2),
            "torch_vs_naive": round(sec["naive"] / sec["torch"], 2)} if "naive" in sec else {}),
        "ct2_vs_raw_ct2": round(sec["raw_ct2"] / sec["ct2"], 3),
        "cached_speedup": round(sec["ct2"] / sec["cached"], 1),
    }
    result["cache"] = {"first": [stats["cache_hits"], stats["cache_misses"]],
                       "rerun": [cached_stats["cache_hits"], cached_stats["cache_misses"]]}
    # What deduplication could save: the back leg translates each distinct pivot once.
    result["distinct_pivots"] = distinct_pivots
    result["segments"] = stats["segments_scored"]
    result["seconds"] = {k: round(v, 2) for k, v in sec.items()}
    result["command"] = "python benchmarks/throughput.py " + " ".join(sys.argv[1:])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="sentences for the comparison")
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes for time and memory")
    ap.add_argument("--max-new-tokens", type=int, default=32)
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--scaling-only", action="store_true",
                    help="keep the comparison in --out and measure only the corpus sizes")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" /
                    "throughput.json")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tqcheck-throughput-"))
    os.environ["TQCHECK_CONFIG_DIR"] = str(config_dir(args.max_new_tokens, tmp))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    build_models()
    from tqcheck.translate.registry import load_registry

    dec = load_registry().decoding
    if args.scaling_only:  # keep the comparison already measured, redo the scaling
        result = json.loads(args.out.read_text("utf-8"))
        result["scaling_command"] = "python benchmarks/throughput.py " + " ".join(sys.argv[1:])
    else:
        result = compare(args, tmp, dec)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result["scaling"] = []
    save(result, args.out)  # after each part: a long run stopped early keeps what it measured
    for n in (int(x) for x in args.sizes.split(",") if x):
        result["scaling"].append(scaled(n, tmp, tmp / f"cache-scale{n}", env))
        print(f"scale {result['scaling'][-1]}", file=sys.stderr)
        save(result, args.out)
    print(json.dumps(result, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
