"""Repeated words ("the the"): Fluency/Repetition."""

from __future__ import annotations

from itertools import pairwise

from tqcheck.check.align import words
from tqcheck.types import Flag


def repetition_flags(target: str) -> list[Flag]:
    """The same word twice in a row ("the the"): almost always a fluency error."""
    ws = [w for w in words(target) if not w.is_punct]
    flags = []
    for prev, cur in pairwise(ws):
        between = target[prev.end:cur.start]
        if cur.norm == prev.norm and not cur.text.isdigit() and between.isspace():
            flags.append(Flag(prev.start, cur.end, "Fluency/Repetition", "Minor",
                              f"repeated word {cur.text!r}", suggestion=prev.text,
                              signal="rules"))
    return flags
