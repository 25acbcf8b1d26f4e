"""Punctuation: marks of another writing system, stray spaces, doubled marks, unbalanced
brackets (Fluency/Punctuation)."""

from __future__ import annotations

import re

from tqcheck.check.rules.language import LATIN, SCRIPTS
from tqcheck.types import Flag

_FULLWIDTH_PUNCT = "，。！？：；“”‘’（）【】、《》"


def punctuation_flags(target: str, lang: str) -> list[Flag]:
    """Punctuation of another writing system, stray spaces, unbalanced brackets."""
    flags: list[Flag] = []
    if SCRIPTS.get(lang, LATIN) == LATIN:
        for m in re.finditer(f"[{_FULLWIDTH_PUNCT}]", target):
            flags.append(Flag(m.start(), m.end(), "Fluency/Punctuation", "Minor",
                              f"full-width punctuation {m.group()!r} in {lang} text",
                              signal="rules"))
        for m in re.finditer(r"(?<=\w) +(?=[,.;:!?](?:\s|$))", target):
            flags.append(Flag(m.start(), m.end() + 1, "Fluency/Punctuation", "Minor",
                              "space before punctuation", signal="rules"))
    for m in re.finditer(r"([,;:])\1+|\.{2}(?!\.)", target):
        flags.append(Flag(m.start(), m.end(), "Fluency/Punctuation", "Minor",
                          "doubled punctuation", signal="rules"))
    for open_, close in ("()", "[]"):
        if target.count(open_) != target.count(close):
            at = target.find(open_) if target.count(open_) > target.count(close) else \
                target.find(close)
            flags.append(Flag(at, at + 1, "Fluency/Punctuation", "Minor",
                              f"unbalanced {open_}{close}", signal="rules"))
    return flags
