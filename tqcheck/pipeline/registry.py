"""Which checks exist and which of them a run uses.

The built-in checks are the modules of `tqcheck/checks/` (each imported here, each
registering its class); third-party checks are the entry points of the group
`tqcheck.checks` of installed distributions, listed, configured and switched exactly like the
built-ins. Checks run in the order of configs/checks.toml (where two flag the same span with
the same category, the earlier one's flag is kept).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from importlib.metadata import entry_points

from tqcheck.check.base import Check, CheckInfo, Need, builtin, validate
from tqcheck.check.environment import CheckEnv
from tqcheck.config import config_file, config_path
from tqcheck.errors import ConfigError

ENTRY_POINT_GROUP = "tqcheck.checks"
BUILTIN = "built-in"
MODEL_NEEDS = frozenset({Need.ROUNDTRIPS, Need.ROUNDTRIP_SCORES, Need.SOURCE_MODELS})


@cache
def check_classes() -> tuple[tuple[type[Check], str], ...]:
    """Every check class with where it comes from ("built-in" or a distribution's name),
    in run order; two checks of one name are an error naming both."""
    import tqcheck.checks as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    found: list[tuple[type[Check], str]] = [(cls, BUILTIN) for cls in builtin()]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = f"{ep.dist.name}=={ep.dist.version}" if ep.dist is not None else ep.value
        where = f"plugin check {ep.name!r} ({ep.value}, from {dist})"
        try:
            cls = ep.load()
        except Exception as exc:  # a plugin's import error is the plugin's, named as such
            raise ConfigError(f"{where}: cannot be loaded ({type(exc).__name__}: {exc}); "
                              f"fix or uninstall {dist}") from exc
        validate(cls, where)
        found.append((cls, dist))
    seen: dict[str, str] = {}
    for cls, origin in found:
        if cls.name in seen:
            raise ConfigError(f"two checks are named {cls.name!r}: {seen[cls.name]} and "
                              f"{origin}; uninstall one")
        seen[cls.name] = origin
    return tuple(sorted(found, key=lambda item: run_order(item[0].name)))


@cache
def _order() -> tuple[str, ...]:
    order = config_file("checks.toml").get("order", [])
    if not isinstance(order, list) or not all(isinstance(n, str) for n in order):
        raise ConfigError(f"{config_path('checks.toml')}: order must be a list of check names")
    return tuple(order)


def run_order(name: str) -> tuple[int, str]:
    """Where a check runs: its place in configs/checks.toml `order`, then by name."""
    order = _order()
    place = next((k for k, pattern in enumerate(order) if fnmatchcase(name, pattern)),
                 len(order))
    return place, name


@dataclass(frozen=True)
class Planned:
    """A check instance of a run, and why it does not run ("" when it does)."""

    check: Check
    origin: str
    why_not: str = ""
    made: bool = True  # False: a stand-in for a class that made no check (for listing)
    missing: bool = False  # it would run but for a package or data not installed


def plan(env: CheckEnv) -> list[Planned]:
    """Every check instance for the run `env` describes, in run order, each with why it
    would not run (language, a missing resource, the profile or the options)."""
    off = set(env.profile.signals_off)
    out: list[Planned] = []
    for cls, origin in check_classes():
        missing = cls.unavailable()
        instances = [] if missing else cls.instances(env)
        if missing or not instances:
            wanted = bool(missing) and (cls.languages is None or env.lang in cls.languages) \
                and cls.name not in off
            out.append(Planned(_Unloaded(env, cls), origin, missing or "nothing to run "
                               "(no configured item for this language)", made=False,
                               missing=wanted))
            continue
        for check in instances:
            why, absent = _why_not(check, env, off)
            out.append(Planned(check, origin, why, missing=absent))
    return sorted(out, key=lambda p: run_order(p.check.id))


def _why_not(check: Check, env: CheckEnv, off: set[str]) -> tuple[str, bool]:
    """Why the check does not run ("" when it does), and whether for want of something
    installed (the check's own `lacks`: its settings' `off_because` is the user's choice)."""
    if not check.serves(env.lang):
        return f"serves {', '.join(sorted(check.languages or ()))} only", False
    if check.id in off or check.name in off:
        return "switched off by the profile (signals_off)", False
    if env.options.model_free and check.needs & MODEL_NEEDS:
        return "needs translation models (--model-free)", False
    chosen = check.off_because()
    if chosen:
        return chosen, False
    why = check.lacks() or ""
    return why, bool(why)


def info(p: Planned) -> CheckInfo:
    c = p.check
    return CheckInfo(
        name=c.id, family=c.id.split(":", 1)[0],
        languages=tuple(sorted(c.languages)) if c.languages is not None else None,
        needs=tuple(sorted(n.value for n in c.needs)), resources=tuple(c.resources),
        category=c.category, severity=c.severity, description=c.description,
        origin=p.origin, runs=not p.why_not, why_not=p.why_not)


class _Unloaded(Check):
    """Stands for a check class that made no instance (for listing only)."""

    def __init__(self, env: CheckEnv, cls: type[Check]) -> None:
        super().__init__(env)
        self.cls = cls
        for attr in ("name", "languages", "needs", "resources", "category", "severity",
                     "description"):
            setattr(self, attr, getattr(cls, attr))
