"""rules:script: letters of a script the target language does not use (Chinese left in an
English text); the scripts of each language are in configs/languages.toml."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from itertools import groupby

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.text.lexicon import scripts
from tqcheck.types import Flag


@register
class ForeignScript(Check):
    name = "rules:script"
    category = "Accuracy/Untranslated text"
    severity = "Major"
    description = "letters of a script the target language is not written in"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return foreign_script_flags(ctx.text, ctx.lang)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def foreign_script_flags(target: str, lang: str) -> list[Flag]:
    """Letters of a script the target language does not use; runs of such letters separated
    by single spaces make one flag."""
    expected = scripts(lang)
    foreign = [ch.isalpha() and _script(ch) not in expected for ch in target]
    mask = [f or (0 < i < len(target) - 1 and target[i].isspace() and foreign[i - 1]
                  and foreign[i + 1]) for i, f in enumerate(foreign)]
    flags: list[Flag] = []
    pos = 0
    for is_foreign, group in groupby(mask):
        end = pos + len(list(group))
        if is_foreign:
            flags.append(Flag(pos, end, "Accuracy/Untranslated text", "Major",
                              f"{target[pos:end]!r} is not in the target language's script",
                              signal="rules:script"))
        pos = end
    return flags
