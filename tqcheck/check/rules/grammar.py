"""English grammar, spelling and word-choice lints from Harper (offline, rule-based)."""

from __future__ import annotations

from functools import cache
from typing import Any

from tqcheck.types import Flag

_HARPER_CATEGORY = {
    "Spelling": "Fluency/Spelling", "Typo": "Fluency/Spelling",
    "Agreement": "Fluency/Grammar", "Grammar": "Fluency/Grammar",
    "BoundaryError": "Fluency/Grammar", "Usage": "Fluency/Grammar",
    "Nonstandard": "Fluency/Grammar", "Malapropism": "Fluency/Grammar",
    "Eggcorn": "Fluency/Grammar", "Punctuation": "Fluency/Punctuation",
    "Capitalization": "Fluency/Punctuation", "Formatting": "Fluency/Punctuation",
    "WordChoice": "Style/Awkward", "Enhancement": "Style/Awkward",
    "Redundancy": "Style/Awkward", "Readability": "Style/Awkward", "Style": "Style/Awkward",
}


@cache
def _linter() -> Any:
    import harper

    return harper.Linter()


def grammar_flags(target: str, lang: str, kinds: frozenset[str] | None = None) -> list[Flag]:
    """English grammar, spelling and word-choice lints from Harper (offline, rule-based).

    `kinds` limits the Harper lint kinds used (profile `rules.grammar_kinds`).
    """
    if lang != "en":
        return []
    flags = []
    for lint in _linter().lint(target):
        category = _HARPER_CATEGORY.get(lint.lint_kind)
        if category is None or (kinds is not None and lint.lint_kind not in kinds):
            continue
        suggestion = next((s.replacement_text for s in lint.suggestions
                           if s.replacement_text), None)
        flags.append(Flag(lint.span.start, lint.span.end, category, "Minor",
                          f"{lint.lint_kind_pretty}: {lint.message}", suggestion=suggestion,
                          signal="grammar"))
    return flags
