"""Which flags explain which: the rules of configs/checks.toml `[[suppress]]`, applied in
order to one segment's flags. Data, not code, so that a new check's overlaps with the others
are settled where all of them are visible."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from tqcheck.config import config_file, config_path
from tqcheck.errors import ConfigError
from tqcheck.groups import matches
from tqcheck.types import CATEGORIES, Flag

Where = Literal["inside", "strictly-inside", "overlaps", "anywhere"]
WHERE: tuple[str, ...] = ("inside", "strictly-inside", "overlaps", "anywhere")


@dataclass(frozen=True)
class Selector:
    """Flags by category and signal; an empty selector takes every flag."""

    categories: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    not_signals: tuple[str, ...] = ()

    def __call__(self, f: Flag) -> bool:
        return ((not self.categories or f.category in self.categories)
                and (not self.signals or matches(f.signal, self.signals))
                and not matches(f.signal, self.not_signals))


@dataclass(frozen=True)
class Rule:
    """Drop a flag that `drop` takes when a flag that `by` takes stands `where` it does."""

    why: str
    drop: Selector
    by: Selector
    where: Where

    def explains(self, c: Flag, f: Flag) -> bool:
        """Whether flag `c` explains flag `f` under this rule."""
        if c is f or not self.by(c):
            return False
        if self.where == "anywhere":
            return True
        if c.side != f.side:
            return False
        if self.where == "overlaps":
            return c.start < f.end and f.start < c.end
        inside = c.start <= f.start and f.end <= c.end
        if self.where == "inside":
            return inside
        return inside and c.end - c.start > f.end - f.start

    def apply(self, flags: list[Flag]) -> list[Flag]:
        explaining = [c for c in flags if self.by(c)]
        if not explaining:
            return flags
        return [f for f in flags
                if not (self.drop(f) and any(self.explains(c, f) for c in explaining))]


def suppress(flags: list[Flag], rules: tuple[Rule, ...]) -> list[Flag]:
    """`flags` without those another flag explains, rule after rule."""
    for rule in rules:
        flags = rule.apply(flags)
    return flags


@cache
def suppression_rules() -> tuple[Rule, ...]:
    """The `[[suppress]]` rules of configs/checks.toml, checked as they are read."""
    entries = config_file("checks.toml").get("suppress", [])
    where = f"{config_path('checks.toml')}: [[suppress]]"
    if not isinstance(entries, list):
        raise ConfigError(f"{where} must be an array of tables")
    return tuple(_rule(e, f"{where} #{k + 1}") for k, e in enumerate(entries))


def _rule(entry: Any, where: str) -> Rule:
    if not isinstance(entry, dict) or set(entry) - {"why", "drop", "by", "where"}:
        raise ConfigError(f"{where}: expected why, drop, by and where")
    if entry.get("where") not in WHERE:
        raise ConfigError(f"{where}: where must be one of {', '.join(WHERE)}, found "
                          f"{entry.get('where')!r}")
    return Rule(str(entry.get("why", "")), _selector(entry.get("drop"), f"{where}.drop"),
                _selector(entry.get("by"), f"{where}.by"), entry["where"])


def _selector(table: Any, where: str) -> Selector:
    if not isinstance(table, dict) or set(table) - {"categories", "signals", "not_signals"}:
        raise ConfigError(f"{where}: a selector takes categories, signals and not_signals")
    values = {}
    for key, value in table.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}.{key}: expected a list of names")
        values[key] = tuple(value)
    unknown = sorted(set(values.get("categories", ())) - set(CATEGORIES))
    if unknown:
        raise ConfigError(f"{where}.categories: unknown {', '.join(unknown)}")
    return Selector(**values)
