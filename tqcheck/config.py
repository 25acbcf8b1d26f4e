"""Where the TOML files under `configs/` are, and reading them into typed settings.

Every value lives in one file under `configs/`; each package owns the typed view of its
file (the model registry, scoring profiles, batch and report settings, evaluation). A
setting is read strictly: a missing key, an unknown key or a value of the wrong type is a
ConfigError naming the file and the key, never a silent default.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from tqcheck.errors import ConfigError

T = TypeVar("T")


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


def config_file(name: str) -> dict[str, Any]:
    """A file of the configuration directory, parsed once per process."""
    return _parsed(config_dir() / name)


@cache
def _parsed(path: Path) -> dict[str, Any]:
    return read_toml(path)


def config_table(cls: type[T], name: str, table: str) -> T:
    """The table `[table]` of the configuration file `name`, read into `cls` (once)."""
    return _table(cls, config_dir() / name, table)


@cache
def _table(cls: type[T], path: Path, table: str) -> T:
    return typed_table(cls, _parsed(path).get(table), f"{path}: [{table}]")


def typed_table(cls: type[T], table: Any, where: str) -> T:
    """Build the frozen dataclass `cls` from a TOML table: every field present with its
    type (int, float, bool, str, or a tuple of one of them), no key it does not know."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table, found {type(table).__name__}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    unknown = sorted(set(table) - set(names))
    missing = [n for n in names if n not in table]
    if unknown or missing:
        problems = ([f"unknown key(s) {', '.join(unknown)}"] if unknown else []) + (
            [f"missing key(s) {', '.join(missing)}"] if missing else [])
        raise ConfigError(f"{where}: {'; '.join(problems)}")
    return cls(**{n: _coerce(table[n], hints[n], f"{where}.{n}") for n in names})


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, found {value!r}")
        return tuple(_coerce(v, item, where) for v in value)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    ok = {bool: isinstance(value, bool),
          int: isinstance(value, int) and not isinstance(value, bool),
          float: isinstance(value, int | float) and not isinstance(value, bool),
          str: isinstance(value, str)}.get(hint)
    if ok is None:
        raise TypeError(f"typed_table cannot read {hint!r} ({where})")
    if not ok:
        raise ConfigError(f"{where}: expected {hint.__name__}, found {value!r}")
    return float(value) if hint is float else value
