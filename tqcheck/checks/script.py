"""rules:script: letters of a script the target language does not use (Chinese left in an
English text); the scripts of each language are in configs/languages.toml.

Names keep their script in much news: Russian writes "Twitter", "CNN", "Sky Sports" in
Latin letters. So a run of such words that the source writes as it is, each with a capital
(a name, an acronym, a brand), is left alone; a lower-case word copied is still flagged.
Measured on WMT21 en-ru news MT: of 131 flags before this rule, 23 % of the characters lay
in an annotated error, and most were such names."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
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
        found = foreign_script_flags(ctx.text, ctx.lang)
        if ctx.source is None:
            return found
        return [f for f in found if not _kept_name(ctx.text[f.start:f.end], ctx.source)]


def _kept_name(run: str, source: str) -> bool:
    """Words the source writes as they are, each capitalised: a name kept in its script."""
    words = run.split()
    return run in source and all(w[:1].isupper() for w in words)


@lru_cache(maxsize=65536)
def _script(ch: str) -> str:
    """The script of a character (its Unicode name's first word), once per character."""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def foreign_script_flags(target: str, lang: str) -> list[Flag]:
    """Letters of a script the target language does not use; runs of such letters separated
    by single spaces make one flag."""
    expected = scripts(lang)
    if "LATIN" in expected and target.isascii():
        return []  # (ASCII letters are Latin)
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
