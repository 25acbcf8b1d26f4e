"""grammar:grammalecte: French grammar from Grammalecte (offline, rule-based; Debian's
`python3-grammalecte`): elision, agreement, conjugation, confusions, set phrases.

Debian installs Grammalecte for the system Python; tqcheck imports it from there when its own
Python cannot (configs/languages.toml `[grammalecte] search`, or $TQCHECK_GRAMMALECTE_PATH).
Only the error types of the profile's `grammalecte_kinds` are reported: its typography
types (typographic apostrophes, non-breaking spaces) fire on most clean news text, and
French spacing is the fr-typography checklist's. Spelling is spelling:hunspell's.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.config import config_file, search_folders
from tqcheck.types import Flag

PACKAGE = "grammalecte"
_CATEGORY = {"bs": "Style/Awkward", "loc": "Style/Awkward", "pleo": "Style/Awkward"}


def package_dir() -> Path | None:
    """Where the grammalecte package is, when this Python cannot import it as it is."""
    search = (config_file("languages.toml").get("grammalecte") or {}).get("search", [])
    for folder in search_folders("TQCHECK_GRAMMALECTE_PATH", search):
        if (folder / PACKAGE / "__init__.py").is_file():
            return folder / PACKAGE
    return None


def available() -> bool:
    return importlib.util.find_spec(PACKAGE) is not None or package_dir() is not None


@cache
def _engine() -> Any:
    """Grammalecte's French grammar engine, loaded once per process."""
    if importlib.util.find_spec(PACKAGE) is None:
        where = package_dir()
        if where is None:
            raise ImportError("grammalecte")
        spec = importlib.util.spec_from_file_location(
            PACKAGE, where / "__init__.py", submodule_search_locations=[str(where)])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = module  # its own submodules import it by name
        spec.loader.exec_module(module)
    import grammalecte

    return grammalecte.GrammarChecker("fr").getGCEngine()


@register
class Grammalecte(Check):
    name = "grammar:grammalecte"
    languages = frozenset({"fr"})
    resources = ("python3-grammalecte (Debian)",)
    category = "Fluency/Grammar"
    description = ("Grammalecte's French grammar: elision, agreement, conjugation, confusions "
                   "(profile: grammalecte_kinds)")

    def __init__(self, env: CheckEnv) -> None:
        super().__init__(env)
        self.kinds = frozenset(env.profile.rules.grammalecte_kinds)

    def lacks(self) -> str | None:
        if not available():
            return ("apt-get install python3-grammalecte (or set TQCHECK_GRAMMALECTE_PATH to "
                    "the folder that holds the grammalecte package)")
        return None

    def signature(self) -> dict[str, str]:
        _engine()
        from grammalecte.fr import gc_engine

        return {"grammalecte": f"{gc_engine.version}:{'+'.join(sorted(self.kinds))}"}

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        out = []
        for err in _engine().parse(ctx.text, "FR", False):
            if err["sType"] not in self.kinds:
                continue
            suggestions = [s for s in err.get("aSuggestions", ()) if s]
            out.append(Flag(err["nStart"], err["nEnd"],
                            _CATEGORY.get(err["sType"], self.category), "Minor",
                            f"Grammalecte: {err['sMessage']}",
                            suggestion=suggestions[0] if suggestions else None,
                            signal=self.name))
        return out
