"""Loading the TOML files under `configs/`: the model registry and scoring profiles."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tqcheck.errors import ConfigError


def config_dir() -> Path:
    """`$TQCHECK_CONFIG_DIR`, else the repository's `configs/` beside the package."""
    env = os.environ.get("TQCHECK_CONFIG_DIR")
    path = Path(env) if env else Path(__file__).resolve().parent.parent / "configs"
    if not (path / "models.toml").is_file():
        raise ConfigError(
            f"configuration directory {path} has no models.toml; install tqcheck from its "
            "repository (`pip install -e .`) or set TQCHECK_CONFIG_DIR"
        )
    return path


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such configuration file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


@dataclass(frozen=True)
class Decoding:
    num_beams: int = 4
    max_input_tokens: int = 512
    max_new_tokens: int = 256
    batch_tokens: int = 4096
    ct2_batch_tokens: int = 320
    ct2_logits_mb: int = 128
    ct2_parallel_batches: int = 2
    max_segment_chars: int = 1500

    def signature(self) -> str:
        return f"beam:{self.num_beams}|maxtok:{self.max_input_tokens}|maxnew:{self.max_new_tokens}"


@dataclass(frozen=True)
class Profile:
    """Weights and thresholds that turn signals into flags and risk."""

    name: str
    spans: dict[str, float] = field(default_factory=dict)
    rules: dict[str, float] = field(default_factory=dict)
    risk_bias: float = 0.0
    risk_weights: dict[str, float] = field(default_factory=dict)
    path: str = ""

    def span(self, key: str) -> float:
        try:
            return float(self.spans[key])
        except KeyError as exc:
            raise ConfigError(f"profile {self.name!r} ({self.path}) lacks spans.{key}") from exc

    def rule(self, key: str) -> float:
        try:
            return float(self.rules[key])
        except KeyError as exc:
            raise ConfigError(f"profile {self.name!r} ({self.path}) lacks rules.{key}") from exc


@cache
def load_profile(name: str = "default") -> Profile:
    """A profile by name (from `configs/profiles/NAME.toml`) or by path to a TOML file."""
    path = Path(name) if name.endswith(".toml") else config_dir() / "profiles" / f"{name}.toml"
    if not path.is_file():
        known = sorted(p.stem for p in (config_dir() / "profiles").glob("*.toml"))
        raise ConfigError(f"no profile {name!r} (looked for {path}); known: {', '.join(known)}")
    data = read_toml(path)
    risk = data.get("risk", {})
    return Profile(
        name=str(data.get("name", path.stem)),
        spans=dict(data.get("spans", {})),
        rules=dict(data.get("rules", {})),
        risk_bias=float(risk.get("bias", 0.0)),
        risk_weights={k: float(v) for k, v in risk.get("weights", {}).items()},
        path=str(path),
    )
