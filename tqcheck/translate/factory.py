"""The one place backends are built: pair -> resolved model -> backend, behind the caches.

`BACKENDS` is the registry of backend kinds (a class with `kind`, `backend_id(settings)`
and `load(...)`); a new engine is one class added there. The factory checks the settings
for the chosen kind when it is made (before any work), resolves and locates each model on
first use (failing early and clearly when it is missing), and loads the engine only when
the disk cache cannot answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from tqcheck.errors import TqcheckError
from tqcheck.translate.backends.ct2 import CT2MarianBackend
from tqcheck.translate.backends.hf import HFMarianBackend
from tqcheck.translate.base import Backend, BackendSettings, CacheStats
from tqcheck.translate.diskcache import CachedBackend, TranslationCache, cache_dir
from tqcheck.translate.hub import fingerprint, pull
from tqcheck.translate.memo import MemoBackend
from tqcheck.translate.registry import Decoding, ModelSpec, resolve


class BackendKind(Protocol):
    kind: str

    @staticmethod
    def backend_id(settings: BackendSettings) -> str: ...

    @classmethod
    def load(cls, spec: ModelSpec, model_dir: Path, model: str, decoding: Decoding,
             settings: BackendSettings) -> Backend: ...


BACKENDS: dict[str, type[BackendKind]] = {
    cls.kind: cls for cls in (HFMarianBackend, CT2MarianBackend)}


class ModelFactory:
    """A BackendFactory over real models: `factory("en-fr")` is the en-fr backend."""

    def __init__(self, models_dir: str | None, decoding: Decoding,
                 settings: BackendSettings | None = None, memo: bool = False) -> None:
        self.settings = settings or BackendSettings()
        if self.settings.kind not in BACKENDS:
            raise TqcheckError(f"unknown backend {self.settings.kind!r}; use "
                               f"{' or '.join(BACKENDS)}")
        self.kind = BACKENDS[self.settings.kind]
        self.backend_id = self.kind.backend_id(self.settings)  # validates device and type
        self.models_dir = models_dir
        self.decoding = decoding
        self.memo = memo  # keep every result in memory too (calibration re-runs)
        self.cache = (TranslationCache(cache_dir(self.settings) / "translations.sqlite")
                      if self.settings.cache else None)
        self._made: dict[str, Backend] = {}

    @property
    def cache_stats(self) -> CacheStats:
        return self.cache.stats if self.cache is not None else CacheStats()

    def __call__(self, pair: str) -> Backend:
        if pair not in self._made:
            self._made[pair] = self._make(pair)
        return self._made[pair]

    def _make(self, pair: str) -> Backend:
        spec = resolve(pair, self.models_dir)
        path = pull(spec)
        model = fingerprint(spec, path)

        def load() -> Backend:
            return self.kind.load(spec, path, model, self.decoding, self.settings)

        backend: Backend
        if self.cache is None:
            backend = load()
        else:
            identity = "|".join([model, self.backend_id, self.decoding.signature().format(""),
                                 f"tt:{spec.target_token or ''}"])
            backend = CachedBackend(pair, model, self.backend_id, identity, load, self.cache)
        return MemoBackend(backend) if self.memo else backend
