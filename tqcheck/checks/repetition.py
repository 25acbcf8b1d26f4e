"""rules:repetition: repeated words ("the the"). Doublings a language writes on purpose
("that that", "es es") are listed in configs/languages.toml and left alone."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.text.align import words
from tqcheck.text.lexicon import repetition_allowed
from tqcheck.types import Flag


@register
class Repetition(Check):
    name = "rules:repetition"
    category = "Fluency/Repetition"
    description = "the same word twice in a row (not a doubled name)"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return repetition_flags(ctx.text, ctx.lang)


def repetition_flags(target: str, lang: str = "en") -> list[Flag]:
    """The same word twice in a row ("the the"): almost always a fluency error. Not a
    doubled name ("Bora Bora", "Tian Tian")."""
    ws = [w for w in words(target) if not w.is_punct]
    allowed = repetition_allowed(lang)
    flags = []
    for prev, cur in pairwise(ws):
        between = target[prev.end:cur.start]
        if cur.norm == prev.norm and not cur.text.isdigit() and between.isspace() \
                and cur.norm not in allowed and not cur.text[:1].isupper():
            flags.append(Flag(prev.start, cur.end, "Fluency/Repetition", "Minor",
                              f"repeated word {cur.text!r}", suggestion=prev.text,
                              signal="rules:repetition"))
    return flags
