"""The transformers (PyTorch) Marian backend: float32, length-bucketed batches, no autograd."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqcheck.errors import ModelNotFoundError, TqcheckError, describe
from tqcheck.translate.backends.devices import resolve_device
from tqcheck.translate.base import BackendSettings, complete, length_batches, piece_offsets
from tqcheck.translate.registry import Decoding, ModelSpec
from tqcheck.types import TokenScores

COMPUTE_TYPE = "float32"  # also on GPU and whatever dtype a model's config names: results
# must not depend on the transformers version's reading of `torch_dtype`


def pick_device(device: str) -> str:
    import torch

    return resolve_device(device, torch.cuda.device_count(), "PyTorch")


class HFMarianBackend:
    """One MarianMT direction loaded with transformers."""

    kind = "torch"

    @staticmethod
    def backend_id(settings: BackendSettings) -> str:
        """Validates the settings for this backend (device, compute type) and names it."""
        if settings.compute_type not in ("auto", COMPUTE_TYPE):
            raise TqcheckError(f"--compute-type {settings.compute_type}: the torch backend "
                               f"runs {COMPUTE_TYPE}; other compute types are for --backend ct2")
        pick_device(settings.device)
        return f"torch/{COMPUTE_TYPE}"

    @classmethod
    def load(cls, spec: ModelSpec, model_dir: Path, model: str, decoding: Decoding,
             settings: BackendSettings) -> HFMarianBackend:
        return cls(spec, model_dir, model, decoding, settings.device, settings.threads)

    def __init__(self, spec: ModelSpec, model_dir: Path, model: str, decoding: Decoding,
                 device: str = "auto", threads: int = 0) -> None:
        if threads > 0:
            import torch

            torch.set_num_threads(threads)
        self.spec = spec
        self.pair = spec.pair
        self.model = model
        self.backend_id = f"torch/{COMPUTE_TYPE}"
        self.decoding = decoding
        self.device = pick_device(device)
        self.tokenizer, self.net = self._load(model_dir)

    def _load(self, path: Path) -> tuple[Any, Any]:
        import torch
        import transformers
        from transformers import MarianMTModel, MarianTokenizer

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tokenizer = MarianTokenizer.from_pretrained(str(path))
                # float32 whatever the config's dtype says: tc-big models name float16, which
                # transformers 5 would load (2.5x slower on CPU, and lossy to upcast later)
                net = MarianMTModel.from_pretrained(str(path), dtype=torch.float32)
        except Exception as exc:  # any failure here means the directory is not a Marian model
            raise ModelNotFoundError(self.spec.pair, self.spec.model_id,
                                     f"cannot load {path}: {describe(exc)}",
                                     local=self.spec.local_dir is not None) from exc
        net.eval().to(device=self.device, dtype=torch.float32)
        return tokenizer, net

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        enc = self.tokenizer(self.spec.with_target_token(texts), add_special_tokens=True,
                             truncation=False)
        return [len(ids) for ids in enc["input_ids"]]

    def translate(self, texts: Sequence[str], beams: int | None = None) -> list[str]:
        import torch

        if not texts:
            return []
        inputs = self.spec.with_target_token(texts)
        lengths = self.count_tokens(texts)
        out: list[str | None] = [None] * len(texts)
        with torch.inference_mode():
            for batch in length_batches(lengths, self.decoding.batch_tokens):
                enc = self.tokenizer(
                    [inputs[i] for i in batch], return_tensors="pt", padding=True,
                    truncation=True, max_length=self.decoding.max_input_tokens,
                ).to(self.device)
                generated = self.net.generate(
                    **enc, num_beams=beams or self.decoding.num_beams,
                    max_new_tokens=self.decoding.max_new_tokens,
                )
                decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
                for i, text in zip(batch, decoded, strict=True):
                    out[i] = text
        return complete(out, "translation")

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        import torch

        if not sources:
            return []
        inputs = self.spec.with_target_token(sources)
        maxlen = self.decoding.max_input_tokens
        lengths = [a + b for a, b in zip(self.count_tokens(sources),
                                         self.count_tokens(targets), strict=True)]
        out: list[TokenScores | None] = [None] * len(sources)
        pad = self.tokenizer.pad_token_id
        with torch.inference_mode():
            for batch in length_batches(lengths, self.decoding.batch_tokens):
                enc = self.tokenizer(
                    [inputs[i] for i in batch], text_target=[targets[i] for i in batch],
                    return_tensors="pt", padding=True, truncation=True, max_length=maxlen,
                ).to(self.device)
                labels = enc["labels"]
                labels = labels.masked_fill(labels == -100, pad)
                logits = self.net(
                    input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                    labels=labels,
                ).logits
                logp = torch.log_softmax(logits.float(), dim=-1)
                chosen = logp.gather(-1, labels.unsqueeze(-1)).squeeze(-1)
                best_lp, best_id = logp.max(dim=-1)
                for row, i in enumerate(batch):
                    keep = labels[row] != pad
                    ids = labels[row][keep].tolist()
                    pieces = self.tokenizer.convert_ids_to_tokens(ids)
                    best = self.tokenizer.convert_ids_to_tokens(best_id[row][keep].tolist())
                    out[i] = TokenScores(
                        tokens=tuple(pieces),
                        logprobs=tuple(chosen[row][keep].tolist()),
                        best_tokens=tuple(best),
                        best_logprobs=tuple(best_lp[row][keep].tolist()),
                        offsets=tuple(piece_offsets(pieces, targets[i])),
                    )
        return complete(out, "forced-decoding score")
