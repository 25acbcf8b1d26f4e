"""The transformers (PyTorch) Marian backend."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from tqcheck.config import Decoding
from tqcheck.errors import DeviceError, ModelNotFoundError
from tqcheck.translate.base import length_batches, piece_offsets
from tqcheck.translate.registry import ModelSpec
from tqcheck.types import TokenScores


def pick_device(device: str) -> str:
    """`auto` takes CUDA when present; an explicit `cuda` that is absent is an error."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise DeviceError("--device cuda was requested but no CUDA GPU is available")
    if device not in ("cpu",) and not device.startswith("cuda"):
        raise DeviceError(f"unknown device {device!r}; use auto, cpu or cuda")
    return device


class HFMarianBackend:
    """One MarianMT direction loaded with transformers; batches by length, no autograd."""

    def __init__(self, spec: ModelSpec, decoding: Decoding, device: str = "auto",
                 threads: int = 0) -> None:
        if threads > 0:
            import torch

            torch.set_num_threads(threads)
        self.spec = spec
        self.decoding = decoding
        self.name = spec.signature()
        self.device = pick_device(device)
        self.tokenizer, self.model = self._load()

    def _load(self) -> tuple[Any, Any]:
        import transformers
        from transformers import MarianMTModel, MarianTokenizer

        from tqcheck.translate.registry import pull

        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        # Fetch (or find in the cache) first: a clear error beats transformers' own on a miss.
        path = pull(self.spec)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tokenizer = MarianTokenizer.from_pretrained(str(path))
                model = MarianMTModel.from_pretrained(str(path))
        except Exception as exc:  # any failure here means the directory is not a Marian model
            reason = f"cannot load {path}: {str(exc).splitlines()[0] if str(exc) else exc!r}"
            raise ModelNotFoundError(self.spec.pair, self.spec.model_id, reason[:300]) from exc
        model.eval().to(self.device)
        return tokenizer, model

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        enc = self.tokenizer(self.spec.with_target_token(texts), add_special_tokens=True,
                             truncation=False)
        return [len(ids) for ids in enc["input_ids"]]

    def translate(self, texts: Sequence[str]) -> list[str]:
        import torch

        if not texts:
            return []
        inputs = self.spec.with_target_token(texts)
        lengths = self.count_tokens(texts)
        out: list[str] = [""] * len(texts)
        with torch.inference_mode():
            for batch in length_batches(lengths, self.decoding.batch_tokens):
                enc = self.tokenizer(
                    [inputs[i] for i in batch], return_tensors="pt", padding=True,
                    truncation=True, max_length=self.decoding.max_input_tokens,
                ).to(self.device)
                generated = self.model.generate(
                    **enc, num_beams=self.decoding.num_beams,
                    max_new_tokens=self.decoding.max_new_tokens,
                )
                decoded = self.tokenizer.batch_decode(generated, skip_special_tokens=True)
                for i, text in zip(batch, decoded, strict=True):
                    out[i] = text
        return out

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
                logits = self.model(
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
        return [s for s in out if s is not None]
