"""Numbers: digits of any script, English number words and Chinese numerals, compared
between the source and the translation (Accuracy/Number)."""

from __future__ import annotations

import re
from collections import Counter

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


_EN_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())} | {
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
    "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1000000",
    "billion": "1000000000", "dozen": "12"}
_CJK_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000, "亿": 100000000}
_CJK_NUMBER = re.compile("[零一二两三四五六七八九十百千万亿]+")
_EN_WORD = re.compile(r"\b(" + "|".join(_EN_NUMBERS) + r")\b", re.IGNORECASE)


def _cjk_value(raw: str) -> int:
    """Simple Chinese numerals: 六 -> 6, 十五 -> 15, 三百二十 -> 320, 两千 -> 2000."""
    total, current = 0, 0
    for ch in raw:
        if ch in _CJK_DIGITS:
            current = current * 10 + _CJK_DIGITS[ch] if current else _CJK_DIGITS[ch]
        else:
            unit = _CJK_UNITS[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def numbers(text: str) -> list[tuple[str, int, int]]:
    """Digits (any script), English number words and Chinese numerals, normalised."""
    text = text.translate(_DIGITS)
    found = [(normalise_number(m.group()), m.start(), m.end()) for m in _NUMBER.finditer(text)]
    found += [(_EN_NUMBERS[m.group().lower()], m.start(), m.end())
              for m in _EN_WORD.finditer(text)]
    for m in _CJK_NUMBER.finditer(text):
        if m.group() not in ("一",):  # 一 is mostly the article "a"/"one" in running text
            found.append((str(_cjk_value(m.group())), m.start(), m.end()))
    return sorted(found, key=lambda n: n[1])


def _unmatched(text: str, nums: list[tuple[str, int, int]],
               other: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Spans of `text`'s numbers written in digits that `other` does not have (as often)."""
    left = Counter(n for n, _, _ in other)
    out = []
    for n, start, end in nums:
        if left[n] > 0:
            left[n] -= 1
        elif any(c.isdigit() for c in text[start:end]):
            out.append((start, end))
    return out


def number_flags(target: str, source: str) -> list[Flag]:
    """Numbers in the target that the source lacks, and source numbers the target lacks."""
    t_nums, s_nums = numbers(target), numbers(source)
    flags = [Flag(a, b, "Accuracy/Number", "Major",
                  f"number {target[a:b]} does not appear in the source", signal="rules")
             for a, b in _unmatched(target, t_nums, s_nums)]
    flags += [Flag(a, b, "Accuracy/Number", "Major",
                   f"source number {source[a:b]} is missing from the translation",
                   side="source", signal="rules")
              for a, b in _unmatched(source, s_nums, t_nums)]
    return flags
