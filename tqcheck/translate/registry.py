"""The model registry (`configs/models.toml`): which model serves a language pair, and where
it is loaded from.

Resolution order for a pair `src-tgt`:
1. `--models-dir DIR` (or `$TQCHECK_MODELS_DIR`) holding `DIR/src-tgt/` (a saved Marian model);
2. the configured Hugging Face id, through the normal Hugging Face cache (downloaded once).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tqcheck.config import Decoding, config_dir, read_toml
from tqcheck.errors import ConfigError, ModelNotFoundError, UnsupportedPairError

MODELS_DIR_ENV = "TQCHECK_MODELS_DIR"


@dataclass(frozen=True)
class ModelSpec:
    """A resolved model: what to load, and how to name it in a signature."""

    pair: str
    model_id: str  # hub id, or the local directory
    revision: str | None = None
    local_dir: Path | None = None
    target_token: str | None = None

    @property
    def src(self) -> str:
        return self.pair.split("-", 1)[0]

    @property
    def tgt(self) -> str:
        return self.pair.split("-", 1)[1]

    def with_target_token(self, texts: Sequence[str]) -> list[str]:
        """Model inputs: multi-target models read the target language from a leading token."""
        token = self.target_token
        return [f"{token} {t}" for t in texts] if token else list(texts)

    def signature(self) -> str:
        if self.local_dir:
            return f"{self.pair}={self.local_dir}"
        return f"{self.pair}={self.model_id}@{self.revision or 'main'}"


@dataclass(frozen=True)
class Registry:
    pairs: dict[str, dict[str, str]]
    pivots: dict[str, list[str]]
    decoding: Decoding

    def default_pivots(self, lang: str) -> list[str]:
        return list(self.pivots.get(lang, self.pivots.get("default", [])))


@cache
def load_registry() -> Registry:
    path = config_dir() / "models.toml"
    data = read_toml(path)
    pairs = data.get("pairs", {})
    for pair, entry in pairs.items():
        if "-" not in pair or "model" not in entry:
            raise ConfigError(f"{path}: pair {pair!r} needs the form src-tgt and a `model` key")
    try:
        decoding = Decoding(**data.get("decoding", {}))
    except TypeError as exc:
        raise ConfigError(f"{path}: [decoding]: {exc}") from exc
    return Registry(pairs=pairs, pivots=data.get("pivots", {}), decoding=decoding)


def models_dir_from_env(models_dir: str | Path | None) -> Path | None:
    value = models_dir if models_dir is not None else os.environ.get(MODELS_DIR_ENV)
    return Path(value) if value else None


def resolve(pair: str, models_dir: str | Path | None = None) -> ModelSpec:
    """Find the model for `pair`; raise UnsupportedPairError when there is none at all."""
    registry = load_registry()
    entry = registry.pairs.get(pair, {})
    base = models_dir_from_env(models_dir)
    if base is not None and (base / pair).is_dir():
        local = (base / pair).resolve()
        return ModelSpec(pair=pair, model_id=str(local), local_dir=local,
                         target_token=entry.get("target_token"))
    if not entry:
        known = ", ".join(sorted(registry.pairs))
        where = f" and {base / pair} does not exist" if base else ""
        raise UnsupportedPairError(
            f"unsupported language pair {pair}: no model is configured in configs/models.toml"
            f"{where}. Configured pairs: {known}. Put a saved Marian model in "
            f"--models-dir DIR/{pair}/ or add the pair to configs/models.toml."
        )
    return ModelSpec(pair=pair, model_id=entry["model"], revision=entry.get("revision"),
                     target_token=entry.get("target_token"))


def is_available(spec: ModelSpec) -> bool:
    """True when the model can be loaded without a download."""
    if spec.local_dir is not None:
        return (spec.local_dir / "config.json").is_file()
    from huggingface_hub import try_to_load_from_cache

    hit = try_to_load_from_cache(spec.model_id, "config.json", revision=spec.revision)
    return isinstance(hit, str)


def pull(spec: ModelSpec) -> Path:
    """The model's local directory: downloaded into the Hugging Face cache when needed.

    With HF_HUB_OFFLINE=1 only the cache is consulted; a miss raises ModelNotFoundError.
    """
    if spec.local_dir is not None:
        return spec.local_dir
    from huggingface_hub import snapshot_download

    try:
        path = snapshot_download(
            spec.model_id,
            revision=spec.revision,
            allow_patterns=["*.json", "*.spm", "*.safetensors", "pytorch_model.bin", "*.txt"],
        )
    except Exception as exc:  # the hub client raises many types; all mean "not downloaded"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelNotFoundError(spec.pair, spec.model_id, f"not in the cache and not "
                                 f"downloadable: {first[:200]}") from exc
    return Path(path)
