"""Model-free checks: numbers, text left untranslated, repeated words."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from itertools import pairwise
from typing import Any

from tqcheck.config import Profile
from tqcheck.spans import Word, words
from tqcheck.types import Flag

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９", "0123456789" * 3)


def normalise_number(raw: str) -> str:
    """`1,000` == `1000` == `1.000`; `3,5` == `3.5`: digits only, plus a decimal part."""
    raw = raw.translate(_DIGITS)
    parts = re.split(r"[.,]", raw)
    if len(parts) > 1 and len(parts[-1]) != 3:  # a decimal separator, not thousands
        return "".join(parts[:-1]).lstrip("0") + "." + parts[-1]
    return "".join(parts).lstrip("0") or "0"


def numbers(text: str) -> list[tuple[str, int, int]]:
    return [(normalise_number(m.group()), m.start(), m.end())
            for m in _NUMBER.finditer(text.translate(_DIGITS))]


def number_flags(target: str, source: str) -> list[Flag]:
    """Numbers in the target that the source lacks, and source numbers the target lacks."""
    t_nums, s_nums = numbers(target), numbers(source)
    flags: list[Flag] = []
    s_left = Counter(n for n, _, _ in s_nums)
    for n, start, end in t_nums:
        if s_left[n] > 0:
            s_left[n] -= 1
        else:
            flags.append(Flag(start, end, "Accuracy/Number", "Major",
                              f"number {target[start:end]} does not appear in the source",
                              signal="rules"))
    t_left = Counter(n for n, _, _ in t_nums)
    for n, start, end in s_nums:
        if t_left[n] > 0:
            t_left[n] -= 1
        else:
            flags.append(Flag(start, end, "Accuracy/Number", "Major",
                              f"source number {source[start:end]} is missing from the "
                              "translation", side="source", signal="rules"))
    return flags


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


def untranslated_flags(target: str, source: str, supported: set[str],
                       profile: Profile) -> list[Flag]:
    """Target words copied from the source that a translation of the source does not use.

    `supported` holds the lower-cased words of the pseudo-reference (the source translated
    into the target language): shared names and loanwords appear there and are not flagged.
    """
    min_chars = int(profile.rule("untranslated_min_chars"))
    src_words = {w.norm for w in words(source)}
    copied: list[Word] = [
        w for w in words(target)
        if w.norm in src_words and w.norm not in supported and len(w.text) >= min_chars
        and not any(c.isdigit() for c in w.text)
    ]
    flags: list[Flag] = []
    for w in copied:
        if flags and target[flags[-1].end:w.start].strip() == "":
            last = flags.pop()
            w = Word(target[last.start:w.end], last.start, w.end)
        n = len(w.text.split())
        flags.append(Flag(w.start, w.end, "Accuracy/Untranslated text",
                          "Major" if n >= 2 else "Minor",
                          f"{w.text!r} is copied from the source, not translated",
                          signal="rules"))
    return flags


@cache
def _detector() -> Any:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def language_of(text: str) -> tuple[str, float] | None:
    """(ISO 639-1 code, confidence) of the most likely language, by lingua; None if unsure."""
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), float(top.value)


def wrong_language_flag(target: str, lang: str, profile: Profile) -> Flag | None:
    """The whole segment is confidently in another language than the target's."""
    if len(target) < profile.rule("language_id_min_chars"):
        return None
    found = language_of(target)
    if found is None:
        return None
    code, confidence = found
    if code == lang or confidence < profile.rule("language_id_confidence"):
        return None
    return Flag(0, len(target), "Accuracy/Untranslated text", "Major",
                f"segment looks like {code} (confidence {confidence:.2f}), not {lang}",
                signal="rules")
