"""Word-level differences between a segment and another wording of it (a back-translation,
an edit), for display: which words of the other wording are not in the original."""

from __future__ import annotations

import difflib


def word_diff(original: str, other: str) -> list[tuple[str, bool]]:
    """`other` as runs of words, each with True when it differs from `original`."""
    a, b = original.split(), other.split()
    out: list[tuple[str, bool]] = []
    for op, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if j2 > j1:
            out.append((" ".join(b[j1:j2]), op != "equal"))
    return out
