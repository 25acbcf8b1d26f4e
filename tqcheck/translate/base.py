"""Translation backends behind one small protocol, so metrics never see a framework.

A backend serves one direction (one model). `translate` returns the model's translation of
each text; `score` returns forced-decoding token scores of each target given its source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from tqcheck.types import TokenScores


class Backend(Protocol):
    name: str  # for the signature: pair=model@revision

    def translate(self, texts: Sequence[str]) -> list[str]: ...

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...


BackendFactory = Callable[[str], Backend]
"""Returns the backend for a pair "src-tgt"; raises UnsupportedPairError/ModelNotFoundError."""


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
