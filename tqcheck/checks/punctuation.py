"""rules:punctuation: marks of another writing system, stray spaces, doubled marks,
unbalanced brackets (Fluency/Punctuation)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.text.lexicon import latin_only, spaced_punctuation
from tqcheck.types import Flag


@register
class Punctuation(Check):
    name = "rules:punctuation"
    category = "Fluency/Punctuation"
    description = ("full-width marks in Latin text, a space before punctuation, doubled "
                   "marks, unbalanced brackets")

    def off_because(self) -> str | None:
        return None if self.env.profile.rules.punctuation else "profile: punctuation = false"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return punctuation_flags(ctx.text, ctx.lang)


def _full_width(ch: str) -> bool:
    """A punctuation mark of East Asian width Full or Wide (，。！？： …); curly quotes and
    apostrophes are Ambiguous, normal English typography."""
    return unicodedata.category(ch).startswith("P") and unicodedata.east_asian_width(ch) in (
        "F", "W")


def punctuation_flags(target: str, lang: str) -> list[Flag]:
    """Punctuation of another writing system, stray spaces, unbalanced brackets."""
    flags: list[Flag] = []
    if latin_only(lang):
        for i, ch in enumerate(target):
            if not ch.isascii() and _full_width(ch):
                flags.append(Flag(i, i + 1, "Fluency/Punctuation", "Minor",
                                  f"full-width punctuation {ch!r} in {lang} text",
                                  signal="rules:full-width"))
        marks = ",." if spaced_punctuation(lang) else ",.;:!?"
        for m in re.finditer(rf"(?<=\w) +(?=[{marks}](?:\s|$))", target):
            flags.append(Flag(m.start(), m.end() + 1, "Fluency/Punctuation", "Minor",
                              "space before punctuation", signal="rules:space-before"))
    # Doubled commas, semicolons, colons. Not "..": an abbreviation's dot before the full
    # stop ("etc..") is common and annotators pass it over (no hit on TED zh-en or en-de).
    for m in re.finditer(r"([,;:])\1+", target):
        flags.append(Flag(m.start(), m.end(), "Fluency/Punctuation", "Minor",
                          "doubled punctuation", signal="rules:doubled"))
    for open_, close in ("()", "[]"):
        if target.count(open_) != target.count(close):
            at = target.find(open_) if target.count(open_) > target.count(close) else \
                target.find(close)
            flags.append(Flag(at, at + 1, "Fluency/Punctuation", "Minor",
                              f"unbalanced {open_}{close}", signal="rules:brackets"))
    return flags
