"""The CTranslate2 backend: the same Marian model, converted once, run by CTranslate2.

int8 on CPU by default (int8_float16 on GPU). The conversion is cached under the cache
directory, keyed by the model's fingerprint and the compute type, so it happens once per
model; it runs in a child process and is saved already quantised, so the scoring process
never holds the float32 weights (nor imports torch). Tokenisation is the model's own
MarianTokenizer, so inputs and outputs match the torch backend's. On CPU the translator has
`ct2_parallel_batches` replicas sharing one copy of the weights, each decoding its own batch.

Forced decoding: CTranslate2's `score_batch` returns only the log-probability of each given
token, and tqcheck also needs the token the model would have chosen at each position. So the
target is fed as a decoding prefix (`translate_batch(target_prefix=..., beam_size=1,
return_logits_vocab=True)`), which yields the full distribution at every position in one
incremental pass; both the given token's and the best token's log-probabilities come from it.
Its cost is set by the number of decoding steps, so calls are as large as the logits budget
allows (docs/performance.md).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
import warnings
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqcheck.errors import ModelNotFoundError, TqcheckError, describe
from tqcheck.translate.backends.devices import resolve_device
from tqcheck.translate.base import BackendSettings, complete, piece_offsets
from tqcheck.translate.registry import Decoding, ModelSpec
from tqcheck.types import TokenScores

CONVERSION_VERSION = 2  # bump when the conversion changes, so cached conversions are redone
COMPUTE_TYPES = ("auto", "int8", "int8_float32", "int8_float16", "float16", "float32")


def ct2_device(device: str) -> str:
    """"cpu" or "cuda" (CTranslate2 takes the GPU's index apart)."""
    import ctranslate2

    resolved = resolve_device(device, ctranslate2.get_cuda_device_count(), "CTranslate2")
    return "cuda" if resolved.startswith("cuda") else "cpu"


def default_compute_type(device: str, compute_type: str) -> str:
    if compute_type != "auto":
        if compute_type not in COMPUTE_TYPES:
            raise TqcheckError(f"unknown compute type {compute_type!r}; use one of "
                               f"{', '.join(COMPUTE_TYPES)}")
        return compute_type
    return "int8_float16" if device == "cuda" else "int8"


def cpu_replicas(parallel_batches: int, threads: int = 0) -> tuple[int, int]:
    """(replicas, threads per replica) on CPU: `parallel_batches` batches at once, one
    replica each sharing the weights, the cores (`threads`, 0 = all) split between them.
    Small matrix products use threads poorly, so parallel batches go faster than threads."""
    cores = threads or os.cpu_count() or 1
    replicas = max(1, min(parallel_batches, cores))
    return replicas, max(1, cores // replicas)


def _exact_marian_loader() -> Any:
    """A Marian loader that keeps transformers' decoder start: the `<pad>` embedding.

    CTranslate2's own Marian loader drops `<pad>` and starts decoding from a zero vector,
    which equals transformers only when that embedding is zero (true of Marian-trained
    opus-mt, not of models trained with transformers and tied embeddings, such as the toy
    pair). Keeping the token makes both engines compute the same thing for every model.
    """
    from ctranslate2.converters import transformers as ct2t

    class ExactMarianLoader(ct2t.MarianMTLoader):
        def get_model_spec(self, model: Any) -> Any:
            model.config.normalize_before = False
            model.config.normalize_embedding = False
            return ct2t.BartLoader.get_model_spec(self, model)

        def set_config(self, config: Any, model: Any, tokenizer: Any) -> None:
            super().set_config(config, model, tokenizer)
            config.decoder_start_token = tokenizer.pad_token

        def set_decoder(self, spec: Any, decoder: Any) -> None:
            ct2t.BartLoader.set_decoder(self, spec, decoder)

        def get_vocabulary(self, model: Any, tokenizer: Any) -> Any:
            return ct2t.BartLoader.get_vocabulary(self, model, tokenizer)

    return ExactMarianLoader()


def conversion_dir(fingerprint: str, cache_dir: Path, quantization: str) -> Path:
    """Where the conversion of the model with this fingerprint lives in the cache."""
    safe = fingerprint.replace(":", "-").replace("/", "--").replace("@", "-")
    return cache_dir / "ct2" / f"{safe}-{quantization}-v{CONVERSION_VERSION}"


def convert(model_dir: Path, fingerprint: str, cache_dir: Path, quantization: str) -> Path:
    """The CTranslate2 conversion of a saved Marian model, quantised to `quantization`.

    Done once, in a child process: transformers loads the model in float32 to convert it
    (about 1 GB for an opus-mt model), memory a long scoring process should not keep.
    """
    out = conversion_dir(fingerprint, cache_dir, quantization)
    if (out / "model.bin").is_file():
        return out
    import subprocess
    import sys

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=out.parent))
    try:
        # A fresh interpreter (not multiprocessing): it must not re-run the caller's script.
        done = subprocess.run(
            [sys.executable, "-m", __name__, str(model_dir), str(tmp / "model"), quantization],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, errors="replace", check=False)
        if done.returncode != 0:
            lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
            raise RuntimeError(lines[-1] if lines else f"converter exited {done.returncode}")
        try:
            os.replace(tmp / "model", out)  # atomic: a concurrent converter may have won
        except OSError:
            if not (out / "model.bin").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _convert_into(model_dir: str, out: str, quantization: str) -> None:
    """The conversion itself (in the child process)."""
    import ctranslate2
    from ctranslate2.converters import transformers as ct2t
    from transformers.utils import logging

    logging.disable_progress_bar()
    ct2t._MODEL_LOADERS["MarianConfig"] = _exact_marian_loader()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ctranslate2.converters.TransformersConverter(model_dir).convert(
            out, quantization=quantization, force=True)


@functools.cache
def _libc() -> Any:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def _trim_heap() -> None:
    """Give freed heap memory back to the system (glibc only; elsewhere nothing).

    Beam search and forced decoding free hundreds of MB per call (beam states, logits) and
    glibc keeps much of it in its per-thread arenas, so each call's peak would stack on the
    last one's leftovers. Trimming after forced decoding took the benchmark's 1 000-segment
    run from 1 676 to 1 521 MiB; trimming after translation as well, 400-segment runs from
    1 329 / 1 381 to 1 240 / 1 319 MiB at about the same speed (docs/performance.md).
    """
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


class CT2MarianBackend:
    """One Marian direction run by CTranslate2."""

    kind = "ct2"

    @staticmethod
    def backend_id(settings: BackendSettings) -> str:
        """Validates the settings for this backend (device, compute type) and names it."""
        return f"ct2/{default_compute_type(ct2_device(settings.device), settings.compute_type)}"

    @classmethod
    def load(cls, spec: ModelSpec, model_dir: Path, model: str, decoding: Decoding,
             settings: BackendSettings) -> CT2MarianBackend:
        from tqcheck.translate.diskcache import cache_dir

        return cls(spec, model_dir, model, decoding, cache_dir(settings), settings.device,
                   settings.compute_type, settings.threads)

    def __init__(self, spec: ModelSpec, model_dir: Path, model: str, decoding: Decoding,
                 cache_dir: Path, device: str = "auto", compute_type: str = "auto",
                 threads: int = 0) -> None:
        import ctranslate2
        from transformers import MarianTokenizer

        self.spec = spec
        self.pair = spec.pair
        self.model = model
        self.decoding = decoding
        self.device = ct2_device(device)
        self.compute_type = default_compute_type(self.device, compute_type)
        self.backend_id = f"ct2/{self.compute_type}"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.tokenizer: Any = MarianTokenizer.from_pretrained(str(model_dir))
            converted = convert(model_dir, model, cache_dir, self.compute_type)
        except TqcheckError:
            raise
        except Exception as exc:
            raise ModelNotFoundError(spec.pair, spec.model_id,
                                     f"cannot convert {model_dir} for CTranslate2: "
                                     f"{describe(exc)}",
                                     local=spec.local_dir is not None) from exc
        config = json.loads((model_dir / "config.json").read_text("utf-8"))
        # Cross-attention keys and values per source token of one forced-decoding row.
        self._state_per_token = 2 * 4 * config.get("d_model", 512) * config.get(
            "decoder_layers", 6)
        self.parallel, intra = (cpu_replicas(decoding.ct2_parallel_batches, threads)
                                if self.device == "cpu" else (1, 1))
        self.translator = ctranslate2.Translator(
            str(converted), device=self.device, compute_type=self.compute_type,
            inter_threads=self.parallel, intra_threads=intra)

    def _pieces(self, texts: Sequence[str]) -> list[list[str]]:
        ids = self.tokenizer(self.spec.with_target_token(texts), truncation=True,
                             max_length=self.decoding.max_input_tokens)["input_ids"]
        return [self.tokenizer.convert_ids_to_tokens(x) for x in ids]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        inputs = self.spec.with_target_token(texts)
        return [len(x) for x in self.tokenizer(inputs, truncation=False)["input_ids"]]

    def translate(self, texts: Sequence[str], beams: int | None = None) -> list[str]:
        if not texts:
            return []
        results = self.translator.translate_batch(
            self._pieces(texts), beam_size=beams or self.decoding.num_beams,
            max_batch_size=self.decoding.ct2_batch_tokens, batch_type="tokens",
            max_input_length=self.decoding.max_input_tokens,
            max_decoding_length=self.decoding.max_new_tokens,
            suppress_sequences=[[self.tokenizer.pad_token]])  # as transformers' bad_words_ids
        special = set(self.tokenizer.all_special_tokens)
        out = [self.tokenizer.convert_tokens_to_string(
            [t for t in r.hypotheses[0] if t not in special]) for r in results]
        _trim_heap()
        return out

    def _logit_batches(self, src_lens: list[int], tgt_lens: list[int]) -> list[list[int]]:
        """Group pairs into forced-decoding calls whose full-vocabulary logits stay under
        `ct2_logits_mb`: every row runs to the longest prefix of its call, 4 bytes per
        vocabulary entry per step (59k entries: 100 sentences of 40 tokens ≈ 1 GB). The
        rows' cross-attention state (keys and values per source token and decoder layer)
        stays under the same budget, so short targets of long sources cannot pile up.

        Decoding a prefix runs one step at a time, so a call's cost is its number of steps
        and the memory budget alone should set its size: the pairs are sorted by target
        length (then source length) and each call takes as many as fit.
        """
        per_step = 4 * len(self.tokenizer)
        budget = self.decoding.ct2_logits_mb * 2**20
        out: list[list[int]] = []
        current: list[int] = []
        longest_src = 0
        for i in sorted(range(len(tgt_lens)), key=lambda i: (tgt_lens[i], src_lens[i])):
            rows = len(current) + 1
            steps = tgt_lens[i] + 1  # the longest so far: sorted by target length
            longest_src = max(longest_src, src_lens[i])
            if current and (rows * steps * per_step > budget
                            or rows * longest_src * self._state_per_token > budget):
                out.append(current)
                current, longest_src = [], src_lens[i]
            current.append(i)
        if current:
            out.append(current)
        return out

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        if not sources:
            return []
        src = self._pieces(sources)
        tgt_ids = self.tokenizer(text_target=list(targets), truncation=True,
                                 max_length=self.decoding.max_input_tokens)["input_ids"]
        eos = self.tokenizer.eos_token_id
        ids = [[t for t in x if t != eos] + [eos] for x in tgt_ids]
        out: list[TokenScores | None] = [None] * len(sources)
        # Asynchronous calls, `parallel` of them in flight (one per replica), each read back
        # a row at a time: a synchronous call copies every row's logits into Python at once.
        in_flight: deque[tuple[list[int], list[Any]]] = deque()
        for batch in self._logit_batches([len(x) for x in src], [len(x) for x in ids]):
            prefixes = [self.tokenizer.convert_ids_to_tokens(ids[i][:-1]) for i in batch]
            in_flight.append((batch, self.translator.translate_batch(
                [src[i] for i in batch], target_prefix=prefixes, beam_size=1,
                return_logits_vocab=True, max_input_length=self.decoding.max_input_tokens,
                max_decoding_length=max(len(p) for p in prefixes) + 1, asynchronous=True)))
            if len(in_flight) >= self.parallel:
                self._read_scores(*in_flight.popleft(), ids, targets, out)
        while in_flight:
            self._read_scores(*in_flight.popleft(), ids, targets, out)
        _trim_heap()
        return complete(out, "forced-decoding score")

    def _read_scores(self, batch: list[int], pending: list[Any], ids: list[list[int]],
                     targets: Sequence[str], out: list[TokenScores | None]) -> None:
        """Token scores of one forced-decoding call's rows, each freed once read."""
        import numpy as np

        for row, i in enumerate(batch):
            steps = pending[row].result().logits[0][:len(ids[i])]
            pending[row] = None  # frees this row's logits
            # Log-softmax by logsumexp, in place and without materialising log-probabilities:
            # only the given and the best token of each position are needed (the array is a
            # fresh copy, so it may be overwritten).
            logits = np.asarray(steps, dtype=np.float32)
            del steps
            pos = np.arange(len(ids[i]))
            best = logits.argmax(axis=-1)
            top, given = logits[pos, best], logits[pos, ids[i]]
            logits -= top[:, None]
            np.exp(logits, out=logits)
            lse = top + np.log(logits.sum(axis=-1))
            pieces = self.tokenizer.convert_ids_to_tokens(ids[i])
            out[i] = TokenScores(
                tokens=tuple(pieces),
                logprobs=tuple((given - lse).tolist()),
                best_tokens=tuple(self.tokenizer.convert_ids_to_tokens(best.tolist())),
                best_logprobs=tuple((top - lse).tolist()),
                offsets=tuple(piece_offsets(pieces, targets[i])),
            )


# The conversion child: python -m tqcheck.translate.backends.ct2 DIR OUT QUANTIZATION
if __name__ == "__main__":
    import sys

    _convert_into(*sys.argv[1:4])
