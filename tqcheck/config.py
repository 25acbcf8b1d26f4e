"""Where the configuration files are, and reading them into typed settings.

Every value lives in one file under `configs/` (shipped inside the installed package as
tqcheck/configs); each package owns the typed view of its file (the model registry,
scoring profiles, batch and report settings, evaluation). The user's configuration
directory ($TQCHECK_CONFIG_DIR, else the platform's, e.g. ~/.config/tqcheck) comes first:
a file there replaces the shipped one of the same name, and profiles written by
`calibrate` go there; nothing is ever written into the installed package. A setting is
read strictly: a missing key, an unknown key or a value of the wrong type is a ConfigError
naming the file and the key, never a silent default.
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

from tqcheck.errors import ConfigError, TqcheckError

T = TypeVar("T")


CONFIG_ENV = "TQCHECK_CONFIG_DIR"


def shipped_config_dir() -> Path:
    """The configuration shipped with tqcheck: inside the installed package (a wheel), or the
    repository's configs/ (a source checkout, an editable install)."""
    here = Path(__file__).resolve().parent
    for path in (here / "configs", here.parent / "configs"):
        if (path / "models.toml").is_file():
            return path
    raise ConfigError(f"tqcheck's configuration files are missing (looked in {here / 'configs'} "
                      f"and {here.parent / 'configs'}); reinstall tqcheck")


def user_config_dir() -> Path:
    """The user's configuration: `$TQCHECK_CONFIG_DIR`, else the platform's user config
    directory (created when something is written there)."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    from platformdirs import user_config_dir as platform_dir

    return Path(platform_dir("tqcheck", appauthor=False))


def config_path(*parts: str) -> Path:
    """A configuration file: the user's if there is one, else the shipped one."""
    user = user_config_dir().joinpath(*parts)
    return user if user.is_file() else shipped_config_dir().joinpath(*parts)


def config_names(folder: str) -> list[str]:
    """The names (file stems) of the TOML files in a configuration folder, user's and
    shipped (`profiles`, `checklists`)."""
    found = {p.stem for base in (user_config_dir(), shipped_config_dir())
             for p in (base / folder).glob("*.toml")}
    return sorted(found)


def search_folders(env_var: str, defaults: typing.Iterable[str | Path]) -> list[Path]:
    """Where a resource installed outside Python is looked for: the folders of `env_var`
    (os.pathsep-separated), then `defaults` (a distribution's places)."""
    extra = [p for p in os.environ.get(env_var, "").split(os.pathsep) if p]
    return [Path(folder) for folder in (*extra, *defaults)]


def read_utf8(path: str | Path, what: str, error: type[TqcheckError] = ConfigError) -> str:
    """The text of a small file a user names (a word list, an edit), or `error` naming the
    file: missing, unreadable, or not UTF-8 (with the byte)."""
    try:
        return Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: {what} is not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror or exc})") from None


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file, or a ConfigError naming it: every configuration read comes here."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such configuration file") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 (byte {exc.start}); TOML files are UTF-8") \
            from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def config_file(name: str) -> dict[str, Any]:
    """A configuration file (user's or shipped), parsed once per process."""
    return _parsed(config_path(name))


@cache
def _parsed(path: Path) -> dict[str, Any]:
    return read_toml(path)


def config_table(cls: type[T], name: str, table: str) -> T:
    """The table `[table]` of the configuration file `name`, read into `cls` (once)."""
    return _table(cls, config_path(name), table)


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
