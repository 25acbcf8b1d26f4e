"""Named groups of flag signals (configs/checks.toml `[groups]`): which flags come from the
models, which are meaning-critical. Part of the shared vocabulary, so that the risk, the
reliability rule and the suppression rules name a group instead of listing signals."""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import cache

from tqcheck.config import config_file, config_path
from tqcheck.errors import ConfigError

MODEL = "model"  # flags found by comparing model outputs
MEANING = "meaning"  # numbers, names, negation the text and its source disagree on
REPHRASED = "rephrased"  # wording the models rephrase into phrasing they prefer


@cache
def group(name: str) -> tuple[str, ...]:
    """The signal patterns of group `name` ("@name" in configs/checks.toml)."""
    groups = config_file("checks.toml").get("groups", {})
    patterns = groups.get(name) if isinstance(groups, dict) else None
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ConfigError(f"{config_path('checks.toml')}: [groups] {name} must be a list of "
                          "signal patterns")
    return tuple(patterns)


def matches(signal: str, patterns: tuple[str, ...]) -> bool:
    """Whether `signal` matches one of `patterns` (a `*` is a wildcard; @name a group)."""
    for p in patterns:
        if p.startswith("@"):
            if matches(signal, group(p[1:])):
                return True
        elif fnmatchcase(signal, p):
            return True
    return False


def in_group(signal: str, name: str) -> bool:
    return matches(signal, group(name))
