"""The on-disk translation cache: SQLite, shared by every run and every process.

An entry is keyed by a hash of what determines it: the operation (translate, score, count),
the model's fingerprint (hub id + resolved commit, or a hash of a local model's files), the
backend and its numeric type, the decoding settings, and the input text(s). A model is only
loaded when some input misses the cache, so a re-run over a scored corpus loads no weights.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from tqcheck.storage import CACHE_HINT, StorageError, connect, guarded
from tqcheck.translate.base import Backend, BackendSettings, CacheStats
from tqcheck.types import TokenScores

CACHE_ENV = "TQCHECK_CACHE_DIR"
_SEP = "\x1f"


def default_cache_dir() -> Path:
    """`$TQCHECK_CACHE_DIR`, else the platform's user cache directory (e.g. ~/.cache/tqcheck)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tqcheck", appauthor=False))


def cache_dir(settings: BackendSettings) -> Path:
    """Where translations (and CTranslate2 conversions) are kept for these settings."""
    return Path(settings.cache_dir) if settings.cache_dir else default_cache_dir()


def scores_to_json(s: TokenScores) -> str:
    return json.dumps([s.tokens, s.logprobs, s.best_tokens, s.best_logprobs, s.offsets],
                      ensure_ascii=False, separators=(",", ":"))


def scores_from_json(text: str) -> TokenScores:
    tokens, lps, best, best_lps, offsets = json.loads(text)
    return TokenScores(tokens=tuple(tokens), logprobs=tuple(lps), best_tokens=tuple(best),
                       best_logprobs=tuple(best_lps),
                       offsets=tuple((int(a), int(b)) for a, b in offsets))


CACHE = "translation cache"


@guarded(CACHE)
class TranslationCache:
    """A key-value table in SQLite (WAL: concurrent readers and writers in many processes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"{path.parent}: cannot make the {CACHE} directory "
                               f"({exc.strerror or exc}){CACHE_HINT}") from None
        self._conn = connect(path, "create", CACHE, timeout=60, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("CREATE TABLE IF NOT EXISTS entries "
                               "(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
            self._conn.commit()
        self.stats = CacheStats()

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256(_SEP.join(parts).encode("utf-8")).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for i in range(0, len(unique), 500):
                chunk = unique[i:i + 500]
                marks = ",".join("?" * len(chunk))
                found.update(self._conn.execute(
                    f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk).fetchall())
        self.stats.hits += sum(k in found for k in keys)
        self.stats.misses += sum(k not in found for k in keys)
        return found

    def put_many(self, items: Sequence[tuple[str, str]]) -> None:
        with self._lock, self._conn:
            self._conn.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", items)

    def close(self) -> None:
        self._conn.close()


class CachedBackend:
    """Serves what the cache holds and asks the (lazily loaded) backend for the rest."""

    def __init__(self, pair: str, model: str, backend_id: str, identity: str,
                 loader: Callable[[], Backend], cache: TranslationCache) -> None:
        self.pair, self.model, self.backend_id = pair, model, backend_id
        self.identity = identity  # model + backend + decoding: everything but the text
        self._loader = loader
        self._inner: Backend | None = None
        self.cache = cache

    @property
    def inner(self) -> Backend:
        if self._inner is None:
            self._inner = self._loader()
        return self._inner

    @property
    def loaded(self) -> bool:
        return self._inner is not None

    def _through(self, op: str, inputs: Sequence[tuple[str, ...]],
                 compute: Callable[[list[tuple[str, ...]]], list[str]]) -> list[str]:
        keys = [self.cache.key(op, self.identity, *x) for x in inputs]
        found = self.cache.get_many(keys)
        keyed = dict(zip(keys, inputs, strict=True))  # also removes repeated inputs
        todo = [k for k in keyed if k not in found]
        if todo:
            fresh = list(zip(todo, compute([keyed[k] for k in todo]), strict=True))
            self.cache.put_many(fresh)
            found.update(fresh)
        return [found[k] for k in keys]

    def translate(self, texts: Sequence[str], beams: int | None = None) -> list[str]:
        # (another beam size than the decoding's is another operation: its own keys)
        op = "translate" if beams is None else f"translate@beams={beams}"
        return self._through(op, [(t,) for t in texts],
                             lambda xs: self.inner.translate([x[0] for x in xs], beams))

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        def compute(xs: list[tuple[str, ...]]) -> list[str]:
            done = self.inner.score([x[0] for x in xs], [x[1] for x in xs])
            return [scores_to_json(s) for s in done]

        pairs = list(zip(sources, targets, strict=True))
        return [scores_from_json(v) for v in self._through("score", pairs, compute)]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        values = self._through("count", [(t,) for t in texts],
                               lambda xs: [str(n) for n in self.inner.count_tokens(
                                   [x[0] for x in xs])])
        return [int(v) for v in values]
