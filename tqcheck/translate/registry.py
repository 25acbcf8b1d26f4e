"""The model registry (`configs/models.toml`): which model serves a language pair, the
default pivots, and the decoding settings every backend uses.

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

from tqcheck.config import config_file, config_path, typed_table
from tqcheck.errors import ConfigError, InputError, UnsupportedPairError
from tqcheck.signature import Signature

MODELS_DIR_ENV = "TQCHECK_MODELS_DIR"


@dataclass(frozen=True)
class Decoding:
    """`[decoding]` of models.toml (every key required: the file is the one place)."""

    num_beams: int
    max_input_tokens: int  # Marian's position limit; longer inputs are truncated and noted
    max_new_tokens: int
    batch_tokens: int  # torch: a length-bucketed batch holds at most this many input tokens
    ct2_batch_tokens: int  # the same for CTranslate2, per batch
    ct2_logits_mb: int  # CTranslate2 forced decoding: full-vocabulary logits per call
    ct2_parallel_batches: int  # CTranslate2 on CPU: batches decoded at once

    def signature(self) -> Signature:
        """The settings that change translations (batching does not)."""
        return Signature({"beam": str(self.num_beams), "maxtok": str(self.max_input_tokens),
                          "maxnew": str(self.max_new_tokens)})


@dataclass(frozen=True)
class ModelSpec:
    """A resolved model: what to load and from where."""

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


@dataclass(frozen=True)
class Registry:
    pairs: dict[str, dict[str, str]]
    pivots: dict[str, list[str]]
    decoding: Decoding

    def default_pivots(self, lang: str) -> list[str]:
        return list(self.pivots.get(lang, self.pivots.get("default", [])))


@cache
def load_registry() -> Registry:
    path = config_path("models.toml")
    data = config_file("models.toml")
    pairs, pivots = data.get("pairs", {}), data.get("pivots", {})
    if not isinstance(pairs, dict):
        raise ConfigError(f"{path}: [pairs] must be a table of src-tgt = {{ model = ... }}")
    if not isinstance(pivots, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in pivots.values()):
        raise ConfigError(f"{path}: [pivots] must map languages to lists of languages")
    for pair, entry in pairs.items():
        if "-" not in pair or not isinstance(entry, dict) or "model" not in entry:
            raise ConfigError(f"{path}: pair {pair!r} needs the form src-tgt and a `model` key")
    decoding = typed_table(Decoding, data.get("decoding"), f"{path}: [decoding]")
    return Registry(pairs=pairs, pivots=pivots, decoding=decoding)


def models_dir_from_env(models_dir: str | Path | None) -> Path | None:
    """--models-dir, else $TQCHECK_MODELS_DIR; one that is not a directory is an error (a
    typo must not quietly send tqcheck to the hub)."""
    value = models_dir if models_dir is not None else os.environ.get(MODELS_DIR_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.is_dir():
        where = "--models-dir" if models_dir is not None else f"${MODELS_DIR_ENV}"
        what = "not a directory" if path.exists() else "no such directory"
        raise InputError(f"{where} {path}: {what}")
    return path


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
