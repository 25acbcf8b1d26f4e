"""rules:numbers: numbers written with digits that the text and its source disagree on.

Numbers are read as values (tqcheck.text.numbers: any script's digits, number and scale
words, Chinese numerals), matched as often as they occur, and a number converted to another
unit in the translation is its source's number. Only numbers written with digits are
flagged: translations write numbers as words, fractions and multiples that no table covers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.text.lexicon import decimal_comma, number_words
from tqcheck.text.numbers import clock_after, digits_value, key, numbers
from tqcheck.types import Flag


@register
class Numbers(Check):
    name = "rules:numbers"
    needs = frozenset({Need.SOURCE})
    category = "Accuracy/Number"
    severity = "Major"
    description = "a number in digits the source does not have (and the source's it lacks)"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return number_flags(ctx.text, ctx.given_source(), ctx.lang, ctx.src_lang or "")


# Units a translation may convert to metric (feet -> metres, miles -> km, pounds -> kg, ...):
# a number followed by such a unit and its conversion are the same quantity, rounded as
# translators round (within CONVERTED_WITHIN, and to a whole unit: "8-foot" is "3 m"). The
# unit must be there: without it, 3 and 7 would pass for inches and centimetres.
UNITS = {r"feet|foot|ft": 0.3048, r"miles?|mi": 1.609344, r"pounds?|lbs?": 0.45359237,
         r"inch(?:es)?|in": 2.54, r"gallons?|gal": 3.785411784, r"acres?": 0.40468564,
         r"yards?|yd": 0.9144, r"ounces?|oz": 28.349523}
FAHRENHEIT = r"°\s?F|(?:degrees? )?Fahrenheit"
CONVERTED_WITHIN = 0.1
_AFTER = r"[\s-]{0,2}(?:"  # a unit right after its number: "200 feet", "15-foot"


_RANGE = re.compile(r"(?:\s?[-–]\s?|\s+(?:to|or)\s+)\d+(?:[.,]\d+)?")  # "5-10 acres"


def _unit_factor(text: str, end: int) -> float | str | None:
    """The conversion factor of the unit right after a number ending at `end` ("F" for
    Fahrenheit), or after the range it starts ("5-10 acres"), if there is one."""
    m = _RANGE.match(text, end)
    for at in (end, m.end()) if m is not None else (end,):
        rest = text[at:at + 24]
        for pattern, factor in UNITS.items():
            if re.match(_AFTER + pattern + r")\b", rest, re.IGNORECASE):
                return factor
        if re.match(_AFTER + FAHRENHEIT + ")", rest, re.IGNORECASE):
            return "F"
    return None


# Numbers per side that the conversion, clock and decade passes pair up at most: a hostile
# line of thousands of numbers costs linear time, not the square of it.
MAX_PAIRED = 200


# Metric units a conversion may land in, as powers of ten of the factor's unit (acres to
# hectares or km², feet to m or cm, pounds to kg or t).
METRIC_POWERS = (-3, -2, -1, 0, 1, 2, 3)


def _converted(a: str, unit: float | str, b: str) -> bool:
    """`b` is the quantity `a` (in `unit`) converted, as rounded by a translator, into the
    factor's metric unit or one a power of ten from it."""
    x, y = float(a), float(b)
    if unit == "F":
        return abs((x - 32) * 5 / 9 - y) <= max(1.5, CONVERTED_WITHIN * abs(y))
    return y > 0 and any(abs(x * float(unit) * 10.0 ** k - y) <= CONVERTED_WITHIN * y + 0.5
                         for k in METRIC_POWERS)  # + 0.5: rounded to a whole unit


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
    return [key(Decimal(m.group(1))), key(Decimal(m.group(2)))]


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
            digits = digits_value(my_text, num[1], my_lang)
            hit = next((o for o in other if o[0] == digits), None)
            if digits is not None and digits != num[0] and hit is not None:
                mine.remove(num)
                other.remove(hit)


def _pair_by(t_left: list[tuple[str, int, int]], s_left: list[tuple[str, int, int]],
             t_key: Callable[[tuple[str, int, int]], object],
             s_key: Callable[[tuple[str, int, int]], object]) -> None:
    """Match (remove) each target number with a source number of the same key, in order (a
    key of None: no match), over the first MAX_PAIRED of each side."""
    pool: dict[object, list[tuple[str, int, int]]] = {}
    for s in s_left[:MAX_PAIRED]:
        if (k := s_key(s)) is not None:
            pool.setdefault(k, []).append(s)
    for t in t_left[:MAX_PAIRED]:
        if (k := t_key(t)) is not None and pool.get(k):
            t_left.remove(t)
            s_left.remove(pool[k].pop(0))


def _match_clock_hours(target: str, t_left: list[tuple[str, int, int]], lang: str,
                       source: str, s_left: list[tuple[str, int, int]], src_lang: str
                       ) -> None:
    """A clock hour that does not say its half of the day ("um 3 Uhr", "8 часов", "8 o'clock")
    matches the other side's clock hour 12 hours apart ("3 p.m." is 15)."""
    def hour(text: str, num: tuple[str, int, int], half: str | None) -> int | None:
        """The clock hour `num` is (`half`: what clock_after found after it), or None."""
        if half is None and not re.match(r":\d\d|\.\d\d", text[num[2]:num[2] + 3]):
            return None
        value = Decimal(num[0])
        return int(value) if value == value.to_integral_value() and 0 <= value <= 24 else None

    def source_key(s: tuple[str, int, int]) -> int | None:
        h = hour(source, s, clock_after(source, s[2], src_lang))
        return None if h is None else h % 12

    def target_key(t: tuple[str, int, int]) -> int | None:
        half = clock_after(target, t[2], lang)
        if half:
            return None  # a target that says its half of the day was read on the 24-hour clock
        h = hour(target, t, half)
        return None if h is None else h % 12

    _pair_by(t_left, s_left, target_key, source_key)


_DECADE = re.compile(r"(?:'|’)?s\b")


def _match_decades(t_left: list[tuple[str, int, int]], source: str,
                   s_left: list[tuple[str, int, int]]) -> None:
    """"the 1960s" in the source is "60er Jahre", "60-е", "the sixties" (60) in the target."""
    _pair_by(t_left, s_left, lambda t: t[0],
             lambda s: s[0][2:] if re.fullmatch(r"1\d\d0|20\d0", s[0])
             and _DECADE.match(source, s[2]) else None)


def number_flags(target: str, source: str, lang: str = "en", src_lang: str = "en"
                 ) -> list[Flag]:
    """Numbers in the target that the source lacks and, when there are such, the source
    numbers the target lacks (a changed number shows on both sides). Only numbers written
    with digits are flagged, and a number converted to another unit in the translation is
    its source's number. A source number with no changed number in the translation is left
    to the omission checks: translations write numbers as words, fractions and multiples
    ("tenfold") that no table covers."""
    # the source's ordinals and decades may explain the target's digits ("fifth round", "5.
    # Runde"); read in the target, they would take the source numbers its digits need
    t_nums, s_nums = numbers(target, lang), numbers(source, src_lang, matching=True)
    t_left, s_left = _unmatched(target, t_nums, s_nums), _unmatched(source, s_nums, t_nums)
    _match_lists(target, t_left, lang, s_left)
    _match_lists(source, s_left, src_lang, t_left)
    s_units = {s: _unit_factor(source, s[2]) for s in s_left[:MAX_PAIRED]}
    for t in t_left[:MAX_PAIRED]:
        t_unit = _unit_factor(target, t[2])
        match = next((s for s, unit in s_units.items() if (
            unit is not None and _converted(s[0], unit, t[0]))
            or (t_unit is not None and _converted(t[0], t_unit, s[0]))),
            None)
        if match is not None:
            t_left.remove(t)
            s_left.remove(match)
            del s_units[match]
    _match_unread_scales(target, t_left, lang, source, s_left, src_lang)
    _match_clock_hours(target, t_left, lang, source, s_left, src_lang)
    _match_decades(t_left, source, s_left)
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
