"""Translation backends behind one small protocol, so metrics never see a framework.

A backend serves one direction (one model). `translate` returns the model's translation of
each text (`beams`: that call's beam size, where it is not the decoding's: the cascade's
screening translates greedily); `score` returns forced-decoding token scores of each target
given its source.
A factory turns a language pair into its backend (resolving, loading and caching models).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from tqcheck.types import TokenScores

T = TypeVar("T")


class Backend(Protocol):
    pair: str  # "src-tgt"
    model: str  # what identifies the weights: hub id@commit, or sha256:... of a local model
    backend_id: str  # how numbers are computed: "torch/float32", "ct2/int8", ...

    def translate(self, texts: Sequence[str], beams: int | None = None) -> list[str]: ...

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...


@dataclass(frozen=True)
class BackendSettings:
    """Which backend runs the models, where, and whether results are cached on disk."""

    kind: str = "torch"  # a key of tqcheck.translate.factory.BACKENDS
    device: str = "auto"  # auto, cpu, cuda, cuda:N
    compute_type: str = "auto"  # the backend's numeric type; auto: its default
    cache: bool = True
    cache_dir: str | None = None  # default: $TQCHECK_CACHE_DIR or the user cache directory
    threads: int = 0  # CPU threads; 0: all cores


@dataclass
class CacheStats:
    """Requests the translation cache answered (hits) and passed to a model (misses)."""

    hits: int = 0
    misses: int = 0


class BackendFactory(Protocol):
    """Returns the backend for a pair "src-tgt"; raises UnsupportedPairError or
    ModelNotFoundError when there is none."""

    backend_id: str

    def __call__(self, pair: str) -> Backend: ...

    @property
    def cache_stats(self) -> CacheStats: ...


def complete(out: Sequence[T | None], what: str) -> list[T]:
    """`out` once every slot is filled; a hole means a batching bug, never a short result."""
    missing = [i for i, x in enumerate(out) if x is None]
    if missing:
        raise RuntimeError(f"internal error: no {what} for inputs {missing[:10]}")
    return list(out)  # type: ignore[arg-type]


def length_batches(lengths: Sequence[int], batch_tokens: int) -> list[list[int]]:
    """Group indices into batches of similar length whose padded size fits `batch_tokens`.

    Sorting by length keeps padding small; the caller restores the input order.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        size = max(longest, lengths[i], 1)
        if current and size * (len(current) + 1) > batch_tokens:
            batches.append(current)
            current, size = [], max(lengths[i], 1)
        current.append(i)
        longest = size
    if current:
        batches.append(current)
    return batches


def piece_offsets(pieces: Sequence[str], text: str) -> list[tuple[int, int]]:
    """Character range of each SentencePiece piece in `text` ("▁" marks a word start).

    Pieces the normaliser changed (and special tokens) get an empty range at the running
    position, so the result always has one range per piece.
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for piece in pieces:
        surface = piece.replace("\u2581", " ").lstrip()
        if (piece.startswith("<") and piece.endswith(">")) or not surface:
            out.append((pos, pos))
            continue
        found = text.find(surface, pos)
        if found < 0 or text[pos:found].strip():
            out.append((pos, pos))
            continue
        out.append((found, found + len(surface)))
        pos = found + len(surface)
    return out
