"""Words with offsets, and word alignment between a text and another wording of it.

Alignment is deliberately simple and language-agnostic: words (or CJK characters) are
matched in order with difflib, and a word that stands anywhere unused in the other text
still counts as kept (reordered). Runs of words that are not kept become candidate spans
(tqcheck.checks.roundtrip, tqcheck.checks.source).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from tqcheck.types import Flag, TokenScores

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORD = re.compile(rf"\d+(?:[.,:]\d+)*|[{_CJK}]|[^\W{_CJK}]+(?:['’\-][^\W{_CJK}]+)*|[^\w\s]")

# Function words are never flagged on their own; spans need at least one content word.
# Negators ("not", "no") are not function words: they carry the meaning (check/meaning.py).
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        (
            "a an the of to in on at by for from with and or but as is are was were be been "
            "being it its this that these those he she they we you i his her their our your "
            "do does did has have had will would can could should may might must than "
            "then so if about into over after before while which who whom whose what when "
            "where there here also very just "
        ).split()
    ),
}


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int

    @property
    def norm(self) -> str:
        return self.text.lower()

    @property
    def is_punct(self) -> bool:
        return not any(c.isalnum() for c in self.text)


def words(text: str) -> list[Word]:
    """The words and marks of `text` with their offsets (a new list: callers may change
    it)."""
    return list(_words(text))


@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[Word, ...]:
    # (several checks read the same segment's words: each text is cut once)
    return tuple(Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text))


def is_content(word: Word, lang: str, min_chars: int = 2) -> bool:
    return (
        not word.is_punct
        and len(word.text) >= min_chars
        and word.norm not in STOPWORDS.get(lang, frozenset())
    ) or any(c.isdigit() for c in word.text)


@dataclass(frozen=True)
class Alignment:
    """How the words of `a` fare in `b`: kept in order, kept elsewhere, or not at all."""

    a: list[Word]
    b: list[Word]
    b_text: str
    in_order: list[bool]  # per word of a: matched by the in-order alignment
    kept: list[bool]  # per word of a: in order, or present unused elsewhere in b
    opcodes: list[tuple[str, int, int, int, int]]

    def counterpart(self, i: int, j: int) -> str:
        """The text of b that the alignment puts in place of a[i:j] (a suggestion).

        Equal blocks, and replace blocks of equal length, map word to word; other blocks
        map to their whole extent in b. Empty when a[i:j] is matched unchanged.
        """
        b_idx: list[int] = []
        if all(tag == "equal" for tag, a0, a1, _b0, _b1 in self.opcodes if a0 < j and i < a1):
            return ""
        for _tag, a0, a1, b0, b1 in self.opcodes:
            if b1 == b0 or not (a0 < j and i < max(a1, a0 + 1)):
                continue
            if a1 - a0 == b1 - b0:  # equal blocks, and replacements word for word
                b_idx += range(b0 + max(i, a0) - a0, b0 + min(j, a1) - a0)
            else:
                b_idx += range(b0, b1)
        if not b_idx:
            return ""
        return self.b_text[self.b[min(b_idx)].start:self.b[max(b_idx)].end]

    def moved(self) -> list[bool]:
        """Per word of a: inside a reordered stretch. A word kept out of order marks every
        word between its place in a and the place b puts it ("talks the" -> "the talks")."""
        out = [False] * len(self.a)
        landing: dict[str, list[int]] = {}
        for tag, a0, _a1, b0, b1 in self.opcodes:
            if tag in ("insert", "replace"):
                for k in range(b0, b1):
                    landing.setdefault(self.b[k].norm, []).append(a0)
        for i, word in enumerate(self.a):
            if self.kept[i] and not self.in_order[i] and landing.get(word.norm):
                to = min(landing[word.norm], key=lambda a0: abs(a0 - i))
                for k in range(min(to, i), max(to, i + 1)):
                    out[k] = True
        return out

    def replaced(self) -> list[bool]:
        """Per word of a: the alignment puts other words of b in its place (a rephrasing)."""
        out = [False] * len(self.a)
        for tag, a0, a1, _b0, _b1 in self.opcodes:
            if tag == "replace":
                for i in range(a0, a1):
                    out[i] = True
        return out


def align(a_text: str, b_text: str) -> Alignment:
    a, b = words(a_text), words(b_text)
    matcher = SequenceMatcher(None, [w.norm for w in a], [w.norm for w in b], autojunk=False)
    opcodes = matcher.get_opcodes()
    in_order = [False] * len(a)
    for tag, a0, a1, _b0, _b1 in opcodes:
        if tag == "equal":
            for i in range(a0, a1):
                in_order[i] = True
    # Words outside the in-order match may still appear elsewhere in b (moved).
    spare = Counter(w.norm for w in b)
    for i, ok in enumerate(in_order):
        if ok:
            spare[a[i].norm] -= 1
    kept = list(in_order)
    for i, ok in enumerate(in_order):
        if not ok and spare[a[i].norm] > 0:
            spare[a[i].norm] -= 1
            kept[i] = True
    return Alignment(a=a, b=b, b_text=b_text, in_order=in_order, kept=kept, opcodes=opcodes)


def runs(mask: Sequence[bool], bridge: Sequence[bool] | None = None) -> list[tuple[int, int]]:
    """Maximal [i, j) runs where mask is True; `bridge` words (punctuation, function words)
    between two runs join them, but never start or end one."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(mask)
    while i < n:
        if not mask[i]:
            i += 1
            continue
        j = i + 1
        while j < n:
            if mask[j]:
                j += 1
                continue
            k = j
            while k < n and bridge is not None and bridge[k] and not mask[k]:
                k += 1
            if k < n and mask[k] and k > j:
                j = k
                continue
            break
        out.append((i, j))
        i = j
    return out


def word_gaps(ws: Sequence[Word], scores: TokenScores | None) -> list[float]:
    """Per word, the largest token gap (log p(model's choice) - log p(token)) inside it."""
    gaps = [0.0] * len(ws)
    if scores is None:
        return gaps
    for (start, end), lp, best in zip(scores.offsets, scores.logprobs, scores.best_logprobs,
                                      strict=True):
        if end <= start:
            continue
        for i, w in enumerate(ws):
            if w.start < end and start < w.end:
                gaps[i] = max(gaps[i], best - lp)
    return gaps


class WordPool:
    """Words to look a word up in, exactly or as a near-identical spelling ("Kiev" for
    "Kyiv"), fast on long texts: exact lookups first, and the character comparison only with
    words of the same first letter and a similar length (a hostile 100 000-character line
    would otherwise make the comparison quadratic)."""

    def __init__(self, words: Sequence[str], ratio: float) -> None:
        self.ratio = ratio
        self.exact = {w.casefold() for w in words if len(w) > 1}
        self.by_first: dict[str, list[str]] = {}
        for w in self.exact:
            self.by_first.setdefault(w[0], []).append(w)

    def has(self, word: str, fuzzy: bool = True) -> bool:
        key = word.casefold()
        if key in self.exact:
            return True
        if not fuzzy or not key:
            return False
        slack = max(2, len(key) // 3)
        return any(abs(len(c) - len(key)) <= slack and similar(key, c, self.ratio)
                   for c in self.by_first.get(key[0], ()))


def similar(a: str, b: str, ratio: float) -> bool:
    """Near-identical strings (case-insensitive character similarity at least `ratio`)."""
    return SequenceMatcher(None, a.lower(), b.lower(), autojunk=False).ratio() >= ratio


def content_count(ws: Sequence[Word], lang: str, min_chars: int) -> int:
    return sum(is_content(w, lang, min_chars) for w in ws)


def merge_flags(flags: list[Flag], gap: int, text: str) -> list[Flag]:
    """Merge same-category flags separated by at most `gap` characters of whitespace."""
    out: list[Flag] = []
    for f in sorted(flags, key=lambda f: (f.side, f.category, f.start)):
        last = out[-1] if out else None
        if (last and last.category == f.category and last.side == f.side
                and f.start - last.end <= gap and not text[last.end:f.start].strip()):
            sev = "Major" if "Major" in (last.severity, f.severity) else "Minor"
            out[-1] = replace(last, end=max(last.end, f.end), severity=sev)  # type: ignore[arg-type]
        else:
            out.append(f)
    return sorted(out, key=lambda f: (f.side, f.start))
