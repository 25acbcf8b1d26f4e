"""Numbers: digits of any script, number words (configs/languages.toml) and Chinese
numerals, read as values and compared between the source and the translation
(Accuracy/Number)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import cache

from tqcheck.check.rules.lexicon import decimal_comma, number_words
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


_CJK_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_SCALES = {"万": Decimal(10**4), "亿": Decimal(10**8)}
# What may stand between the parts of one number: "twenty-five", "a hundred and forty",
# "half a million", "a quarter of a million".
_JOIN = re.compile(r"[\s-]*|\s+(?:and|und|et|y)\s+|\s+(?:of\s+)?an?\s+", re.IGNORECASE)


@cache
def _token_regex(lang: str) -> re.Pattern[str]:
    words, scales = number_words(lang)
    alternatives = "|".join(re.escape(w) for w in sorted([*words, *scales], key=len,
                                                         reverse=True))
    return re.compile(
        r"(?P<digits>\d+(?:[.,:]\d+)*)"
        r"|(?P<cjk>[零一二两三四五六七八九十百千万亿]+)"
        + (rf"|(?<!\w)(?P<word>{alternatives})(?!\w)" if alternatives else ""),
        re.IGNORECASE)


def _cjk_value(raw: str) -> int:
    """Chinese numerals: 六 -> 6, 十五 -> 15, 三百二十 -> 320, 三千五百万 -> 35000000,
    一亿三千万 -> 130000000, 二零二零 -> 2020."""
    total = section = current = 0
    for ch in raw:
        if ch in _CJK_DIGITS:
            current = current * 10 + _CJK_DIGITS[ch]
        elif ch in _CJK_UNITS:
            section += (current or 1) * _CJK_UNITS[ch]
            current = 0
        elif ch == "万":
            section = (section + current) * 10**4
            current = 0
        else:  # 亿
            total = (total + section + current) * 10**8
            section = current = 0
    return total + section + current


def _digit_tokens(raw: str, start: int, comma_decimal: bool
                  ) -> list[tuple[Decimal, str, int, int]]:
    """One number, or, where a comma is neither a decimal nor a thousands separator in the
    language ("[1,1]" in English or Chinese), one number per part."""
    parts = raw.split(",")
    if comma_decimal or len(parts) == 1 or all(len(p) == 3 for p in parts[1:]):
        return [(Decimal(normalise_number(raw)), "digits", start, start + len(raw))]
    out, pos = [], start
    for part in parts:
        out.append((Decimal(normalise_number(part)), "digits", pos, pos + len(part)))
        pos += len(part) + 1
    return out


def _tokens(text: str, lang: str) -> list[tuple[Decimal, str, int, int]]:
    """(value, kind: digits | word | scale, start, end) of every number token."""
    words, scales = number_words(lang)
    comma_decimal = decimal_comma(lang)
    out: list[tuple[Decimal, str, int, int]] = []
    for m in _token_regex(lang).finditer(text):
        raw = m.group()
        if m.group("digits"):
            out += _digit_tokens(raw, m.start(), comma_decimal)
        elif m.group("cjk"):
            if raw in _CJK_SCALES:
                out.append((_CJK_SCALES[raw], "scale", m.start(), m.end()))
            elif raw != "一":  # 一 alone is mostly the article "a"/"one" in running text
                out.append((Decimal(_cjk_value(raw)), "word", m.start(), m.end()))
        elif raw.lower() in scales:
            out.append((scales[raw.lower()], "scale", m.start(), m.end()))
        else:
            out.append((words[raw.lower()], "word", m.start(), m.end()))
    return out


def numbers(text: str, lang: str = "en") -> list[tuple[str, int, int]]:
    """The numbers of `text`, each as its value and where it stands: digits (any script),
    the number words of `lang` (configs/languages.toml) and Chinese numerals, combined with
    the scale words after them ("fourteen billion" == "14 Milliarden" == "140亿")."""
    text = text.translate(_DIGITS)
    tokens = _tokens(text, lang)
    found: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        value, kind, start, end = tokens[i]
        total, current = Decimal(0), value
        j = i + 1
        while j < len(tokens) and _JOIN.fullmatch(text[end:tokens[j][2]]):
            v, k, _, e = tokens[j]
            if k == "scale" and v == 100:
                current = (current or 1) * v
            elif k == "scale":
                total, current = total + (current or 1) * v, Decimal(0)
            elif k == "word" and kind in ("word", "scale") and (
                    kind == "scale" or (current % 10 == 0 and v < 10)):
                current += v
            else:
                break
            kind, end, j = k, e, j + 1
        found.append((_key(total + current), start, end))
        i = j
    return found


def _key(value: Decimal) -> str:
    return format(value.normalize(), "f")


# Units a translation may convert to metric (feet -> metres, miles -> km, pounds -> kg, ...):
# a number followed by such a unit and its conversion are the same quantity, rounded as
# translators round (within CONVERTED_WITHIN). The unit must be there: without it, 3 and 7
# would pass for inches and centimetres.
UNITS = {r"feet|foot|ft": 0.3048, r"miles?|mi": 1.609344, r"pounds?|lbs?": 0.45359237,
         r"inch(?:es)?|in": 2.54, r"gallons?|gal": 3.785411784, r"acres?": 0.40468564,
         r"yards?|yd": 0.9144, r"ounces?|oz": 28.349523}
FAHRENHEIT = r"°\s?F|(?:degrees? )?Fahrenheit"
CONVERTED_WITHIN = 0.1
_AFTER = r"[\s-]{0,2}(?:"  # a unit right after its number: "200 feet", "15-foot"


def _unit_factor(text: str, end: int) -> float | str | None:
    """The conversion factor of the unit right after a number ending at `end` ("F" for
    Fahrenheit), if there is one."""
    rest = text[end:end + 24]
    for pattern, factor in UNITS.items():
        if re.match(_AFTER + pattern + r")\b", rest, re.IGNORECASE):
            return factor
    return "F" if re.match(_AFTER + FAHRENHEIT + ")", rest, re.IGNORECASE) else None


def _converted(a: Decimal, unit: float | str, b: Decimal) -> bool:
    """`b` is the quantity `a` (in `unit`) converted, as rounded by a translator."""
    x, y = float(a), float(b)
    if unit == "F":
        return abs((x - 32) * 5 / 9 - y) <= max(1.5, CONVERTED_WITHIN * abs(y))
    return y > 0 and abs(x * float(unit) - y) <= CONVERTED_WITHIN * y


def _unmatched(text: str, nums: list[tuple[str, int, int]],
               other: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """`text`'s numbers that `other` does not have (as often)."""
    left = Counter(n for n, _, _ in other)
    out = []
    for n, start, end in nums:
        if left[n] > 0:
            left[n] -= 1
        else:
            out.append((n, start, end))
    return out


def _as_list(text: str, num: tuple[str, int, int], lang: str) -> list[str] | None:
    """The two numbers "1,1" also stands for where the language reads it as a decimal: in
    "[1,1]" a German translation keeps an English list as it was."""
    m = re.fullmatch(r"(\d+),(\d+)", text[num[1]:num[2]])
    if not (m and decimal_comma(lang)):
        return None
    return [_key(Decimal(m.group(1))), _key(Decimal(m.group(2)))]


def _match_lists(text: str, left: list[tuple[str, int, int]], lang: str,
                 other_left: list[tuple[str, int, int]]) -> None:
    """Match (remove) `text`'s "a,b" numbers read as decimals whose list reading the other
    side has: a and b both among its unmatched numbers."""
    for num in list(left):
        parts = _as_list(text, num, lang)
        if parts is None:
            continue
        pool = list(other_left)
        found = []
        for p in parts:
            hit = next((o for o in pool if o[0] == p), None)
            if hit is None:
                break
            pool.remove(hit)
            found.append(hit)
        if len(found) == len(parts):
            left.remove(num)
            for hit in found:
                other_left.remove(hit)


def _reads_scales(lang: str) -> bool:
    return lang == "zh" or bool(number_words(lang)[1])


def _digits_value(text: str, num: tuple[str, int, int], lang: str) -> str | None:
    """The value of the digits that start a number ("412" of "412 million")."""
    m = _NUMBER.match(text, num[1])
    if m is None:
        return None
    return _key(_digit_tokens(m.group(), m.start(), decimal_comma(lang))[0][0])


def _match_unread_scales(target: str, t_left: list[tuple[str, int, int]], lang: str,
                         source: str, s_left: list[tuple[str, int, int]], src_lang: str
                         ) -> None:
    """Where one side's language has no scale words listed (configs/languages.toml), its
    "412 nemmeup" reads as 412: match it with the other side's "412 million" by digits."""
    for mine, my_text, my_lang, other, other_lang in (
            (t_left, target, lang, s_left, src_lang), (s_left, source, src_lang, t_left, lang)):
        if _reads_scales(other_lang):
            continue
        for num in list(mine):
            digits = _digits_value(my_text, num, my_lang)
            hit = next((o for o in other if o[0] == digits), None)
            if digits is not None and digits != num[0] and hit is not None:
                mine.remove(num)
                other.remove(hit)


def number_flags(target: str, source: str, lang: str = "en", src_lang: str = "en"
                 ) -> list[Flag]:
    """Numbers in the target that the source lacks and, when there are such, the source
    numbers the target lacks (a changed number shows on both sides). Only numbers written
    with digits are flagged, and a number converted to another unit in the translation is
    its source's number. A source number with no changed number in the translation is left
    to the omission checks: translations write numbers as words, fractions and multiples
    ("tenfold") that no table covers."""
    t_nums, s_nums = numbers(target, lang), numbers(source, src_lang)
    t_left, s_left = _unmatched(target, t_nums, s_nums), _unmatched(source, s_nums, t_nums)
    _match_lists(target, t_left, lang, s_left)
    _match_lists(source, s_left, src_lang, t_left)
    for t in list(t_left):
        t_unit = _unit_factor(target, t[2])
        match = next((s for s in s_left if (
            (unit := _unit_factor(source, s[2])) is not None
            and _converted(Decimal(s[0]), unit, Decimal(t[0])))
            or (t_unit is not None and _converted(Decimal(t[0]), t_unit, Decimal(s[0])))),
            None)
        if match is not None:
            t_left.remove(t)
            s_left.remove(match)
    _match_unread_scales(target, t_left, lang, source, s_left, src_lang)
    digits = [(side, text, a, b) for side, text, found in (("target", target, t_left),
                                                          ("source", source, s_left))
              for _, a, b in found if any(c.isdigit() for c in text[a:b])]
    if not any(side == "target" for side, *_ in digits):
        return []
    return [Flag(a, b, "Accuracy/Number", "Major",
                 f"number {text[a:b]} does not appear in the source" if side == "target"
                 else f"source number {text[a:b]} is missing from the translation",
                 side=side, signal="rules:numbers")  # type: ignore[arg-type]
            for side, text, a, b in digits]
