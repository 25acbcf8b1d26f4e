"""Choosing and building backends: torch or CTranslate2, behind the on-disk cache."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tqcheck.config import Decoding
from tqcheck.errors import TqcheckError
from tqcheck.translate.base import Backend, BackendFactory
from tqcheck.translate.diskcache import (
    CachedBackend,
    TranslationCache,
    default_cache_dir,
    fingerprint_dir,
)
from tqcheck.translate.registry import ModelSpec, pull, resolve

BACKENDS = ("torch", "ct2")


@dataclass(frozen=True)
class BackendSettings:
    """Which engine runs the models, where, and whether results are cached on disk."""

    backend: str = "torch"
    device: str = "auto"
    compute_type: str = "auto"  # ct2 only
    cache: bool = True
    cache_dir: str | None = None  # default: $TQCHECK_CACHE_DIR or the user cache directory
    threads: int = 0  # 0: all cores

    def resolved_cache_dir(self) -> Path:
        return Path(self.cache_dir) if self.cache_dir else default_cache_dir()


def fingerprint(spec: ModelSpec, path: Path) -> str:
    """What identifies the weights: hub id + commit, or a content hash of a local model."""
    if spec.local_dir is not None:
        return fingerprint_dir(path)
    commit = path.name if path.parent.name == "snapshots" else (spec.revision or "main")
    return f"{spec.model_id}@{commit}"


def engine_id(settings: BackendSettings) -> str:
    """The part of a cache key that says how numbers were computed."""
    if settings.backend == "ct2":
        from tqcheck.translate.backends.ct2 import ct2_device, default_compute_type

        return f"ct2:{default_compute_type(ct2_device(settings.device), settings.compute_type)}"
    return "torch"


def make_factory(models_dir: str | None, decoding: Decoding,
                 settings: BackendSettings | None = None) -> BackendFactory:
    """A BackendFactory: resolves each pair, finds its weights (failing early and clearly
    when they are missing) and loads the engine only when the cache cannot answer."""
    settings = settings or BackendSettings()
    if settings.backend not in BACKENDS:
        raise TqcheckError(f"unknown backend {settings.backend!r}; use {' or '.join(BACKENDS)}")
    if settings.backend == "torch" and settings.compute_type not in ("auto", "float32"):
        raise TqcheckError("--compute-type applies to --backend ct2 only")
    cache = TranslationCache(settings.resolved_cache_dir() / "translations.sqlite") \
        if settings.cache else None
    engine = engine_id(settings)  # also validates the device and the compute type early
    if settings.backend == "torch":
        from tqcheck.translate.backends.hf import pick_device

        pick_device(settings.device)
    made: dict[str, Backend] = {}

    def load(spec: ModelSpec, path: Path, fp: str) -> Backend:
        if settings.backend == "ct2":
            from tqcheck.translate.backends.ct2 import CT2MarianBackend

            return CT2MarianBackend(spec, path, fp, decoding, settings.resolved_cache_dir(),
                                    settings.device, settings.compute_type, settings.threads)
        from tqcheck.translate.backends.hf import HFMarianBackend

        return HFMarianBackend(spec, decoding, settings.device, settings.threads)

    def factory(pair: str) -> Backend:
        if pair in made:
            return made[pair]
        spec = resolve(pair, models_dir)
        path = pull(spec)
        fp = fingerprint(spec, path)
        if cache is None:
            made[pair] = load(spec, path, fp)
        else:
            identity = "|".join([fp, engine, decoding.signature(),
                                 f"tt:{spec.target_token or ''}"])
            made[pair] = CachedBackend(spec.signature(), identity,
                                       lambda: load(spec, path, fp), cache)
        return made[pair]

    factory.cache = cache  # type: ignore[attr-defined]  # for hit/miss statistics
    return factory
