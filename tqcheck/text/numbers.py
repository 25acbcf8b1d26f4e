"""Reading numbers: digits of any script, number words (configs/languages.toml) and Chinese
numerals, as values with where they stand. Total: any text gives a list, never an error.

A colon between digits joins numbers that are not one quantity: a time ("13:09:10",
"3:11 p.m."), a score ("2:0"), a ratio ("78:83"), a verse ("3:16"). Each part is read as a
number of its own, so that the same time or score matches across languages. Times are read
on the 24-hour clock as the languages write them (configs/languages.toml [clock]: "8 p.m.",
"8 часов вечера" and "20:00" are 20; "23.30 Uhr" is 23 and 30; "0200 GMT" is 2), and the
minutes of a whole hour are no number of their own ("15:00" is "3 p.m.").
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from tqcheck.text.lexicon import clock_words, clock_zones, decimal_comma, number_words

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
def _token_regex(lang: str, matching: bool) -> re.Pattern[str]:
    words, scales = number_words(lang, matching)
    alternatives = "|".join(re.escape(w) for w in sorted([*words, *scales], key=len,
                                                         reverse=True))
    return re.compile(
        # thousands grouped by spaces ("30 000", with a no-break or thin space too)
        r"(?P<grouped>(?<![\d.,])\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![.,]?\d))"
        # a scale letter right after digits counts only after a currency sign ("£125m")
        r"|(?P<digits>\d+(?:[.,:]\d+)*)(?P<suffix>(?:bn|m|k|tn)(?!\w))?"
        r"|(?P<cjk>[零一二两三四五六七八九十百千万亿]+)"
        # a scale word may follow its digits without a space ("£101million")
        + (rf"|(?<![^\W\d_])(?P<word>{alternatives})(?!\w)" if alternatives else ""),
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
    language ("[1,1]" in English or Chinese), one number per part; the parts of a time,
    score or ratio ("13:09", "2:0") are numbers of their own."""
    if ":" in raw:
        out, pos = [], start
        for k, part in enumerate(raw.split(":")):
            if not (k and part == "00"):  # a whole hour's minutes: "15:00" is "3 p.m."
                out += _digit_tokens(part, pos, comma_decimal)
            pos += len(part) + 1
        return out
    parts = raw.split(",")
    if comma_decimal or len(parts) == 1 or all(len(p) == 3 for p in parts[1:]):
        return [(Decimal(normalise_number(raw)), "digits", start, start + len(raw))]
    out, pos = [], start
    for part in parts:
        out.append((Decimal(normalise_number(part)), "digits", pos, pos + len(part)))
        pos += len(part) + 1
    return out


_MERIDIEM = re.compile(r"\s?([ap])\.?\s?m\b\.?", re.IGNORECASE)


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _clock_regexes(lang: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """(an hour word right after a number, a half-day word after it or after the number:
    groups `hour`, `p` (afternoon), `a` (morning); a time zone right after four digits)."""
    hour, afternoon, morning = clock_words(lang)
    half = (f"(?P<p>{_alternatives(afternoon)})" if afternoon else "") + (
        ("|" if afternoon and morning else "") + f"(?P<a>{_alternatives(morning)})"
        if morning else "")
    after = None
    if hour or half:
        after = re.compile(
            (rf"(?:\s?(?P<hour>{_alternatives(hour)})(?!\w))?" if hour else "(?P<hour>)")
            + (rf"(?:\s+(?:{half})(?!\w))?" if half else ""), re.IGNORECASE)
    zones = clock_zones()
    zone = re.compile(rf"\s?(?:{_alternatives(tuple(zones))})(?!\w)") if zones else None
    return after, zone


def clock_after(text: str, end: int, lang: str) -> str | None:
    """What makes the number ending at `end` a clock hour: "p" (afternoon: "p.m.", "Uhr
    abends", "часов вечера"), "a" (morning), "" (an hour word alone: "20 Uhr"), None (none:
    not a clock hour, or one written with its minutes only)."""
    m = _MERIDIEM.match(text, end)
    if m is not None:
        return m.group(1).lower()
    after = _clock_regexes(lang)[0]
    m = after.match(text, end) if after is not None else None
    found = m.groupdict() if m is not None else {}
    if not any(found.values()):
        return None
    return "p" if found.get("p") else "a" if found.get("a") else ""


def _clock_hour(hour: tuple[Decimal, str, int, int], half: str | None
                ) -> tuple[Decimal, str, int, int]:
    """The hour of "3:11 p.m." or "8 часов вечера" on the 24-hour clock (15, 20), as other
    languages write it (`half`: what clock_after found after it)."""
    value = hour[0]
    if not half or not (1 <= value <= 12) or value != value.to_integral_value():
        return hour
    return (value % 12 + (12 if half == "p" else 0), *hour[1:])  # type: ignore[return-value]


_EXPONENT = re.compile(r"(?<![^\W\d_])(?:[kcdm]?m|ha)$")  # a metric unit right before digits
_SUFFIXES = {"k": Decimal(10**3), "m": Decimal(10**6), "bn": Decimal(10**9),
             "tn": Decimal(10**12)}
_CURRENCY_BEFORE = re.compile(r"[$£€¥]\s?$")
_TIME_WITH_DOT = re.compile(r"\d{1,2}\.\d{2}")


def _year_range(found: list[tuple[Decimal, str, int, int]], text: str,
                before: list[tuple[Decimal, str, int, int]]
                ) -> list[tuple[Decimal, str, int, int]]:
    """"1950-53" is 1950 to 1953: a two-digit number right after a year and a dash takes the
    year's century."""
    if len(found) == 1 and before and before[-1][1] == "digits":
        year, _, _, end = before[-1]
        value, kind, start, stop = found[0]
        if (1000 <= year <= 2999 and year == year.to_integral_value() and value < 100
                and text[end:start] in ("-", "–", "—") and stop - start == 2):
            century = year - year % 100
            return [(century + value + (100 if century + value < year else 0), kind, start,
                     stop)]
    return found


def _tokens(text: str, lang: str, matching: bool = False
            ) -> list[tuple[Decimal, str, int, int]]:
    """(value, kind: digits | word | scale, start, end) of every number token."""
    words, scales = number_words(lang, matching)
    comma_decimal = decimal_comma(lang)
    out: list[tuple[Decimal, str, int, int]] = []
    for m in _token_regex(lang, matching).finditer(text):
        raw = m.group()
        if m.group("grouped"):
            value = Decimal(re.sub(r"\D", "", raw))
            out.append((value, "digits", m.start(), m.end()))
        elif m.group("digits"):
            digits = m.group("digits")
            if digits in ("2", "3") and _EXPONENT.search(text, max(0, m.start() - 3),
                                                         m.start()) and not (
                    text[m.end():m.end() + 1].isalnum()):
                continue  # "85 km2": the unit's power, not a number
            end = m.start() + len(digits)
            zone = _clock_regexes(lang)[1]
            if len(digits) == 4 and digits.isdigit() and zone is not None and zone.match(
                    text, end) and int(digits[:2]) < 24 and int(digits[2:]) < 60:
                digits = f"{digits[:2]}:{digits[2:]}"  # "0200 GMT": a time
            found = _digit_tokens(digits, m.start(), comma_decimal)
            suffix = m.group("suffix")
            if suffix and _CURRENCY_BEFORE.search(text, max(0, m.start() - 2), m.start()) \
                    and found:
                value, kind, a, _ = found[-1]  # "£125m", "$37bn"
                found[-1] = (value * _SUFFIXES[suffix.lower()], kind, a, m.end())
            half = clock_after(text, end, lang)
            # "4.40 am", "23.30 Uhr": a time; "3.26 million" not
            clock = _TIME_WITH_DOT.fullmatch(digits) and half is not None
            if found and (":" in digits or clock):
                if "." in digits:  # a time, not a decimal
                    found = _digit_tokens(digits.replace(".", ":"), m.start(), comma_decimal)
                found[0] = _clock_hour(found[0], half)
            elif found and len(found) == 1 and digits.isdigit():
                found[0] = _clock_hour(found[0], half)  # "3 p.m.", "8 часов вечера"
            out += _year_range(found, text, out)
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


def numbers(text: str, lang: str = "en", matching: bool = False) -> list[tuple[str, int, int]]:
    """The numbers of `text`, each as its value and where it stands: digits (any script),
    the number words of `lang` (configs/languages.toml) and Chinese numerals, combined with
    the scale words after them ("fourteen billion" == "14 Milliarden" == "140亿"); with
    `matching`, also the words that only stand for the other side's digits ("fifth round",
    "two decades")."""
    text = text.translate(_DIGITS)
    tokens = _tokens(text, lang, matching)
    found: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        value, kind, start, end = tokens[i]
        total, current = Decimal(0), value
        in_words = kind != "digits"  # "two million three" is one number; "2 million three"
        j = i + 1
        while j < len(tokens) and _JOIN.fullmatch(text[end:tokens[j][2]]):
            v, k, _, e = tokens[j]
            if k == "scale" and v == 100:
                current = (current or 1) * v
            elif k == "scale":
                total, current = total + (current or 1) * v, Decimal(0)
            elif k == "word" and in_words and kind in ("word", "scale") and (
                    kind == "scale" or (current % 10 == 0 and v < 10)):
                current += v
            else:
                break
            kind, end, j = k, e, j + 1
        found.append((key(total + current), start, end))
        i = j
    return found


def key(value: Decimal) -> str:
    """The comparable form of a value: `1.50` and `1.5` are one key."""
    return format(value.normalize(), "f")


def digits_value(text: str, start: int, lang: str) -> str | None:
    """The value of the digits that start at `start` ("412" of "412 million")."""
    m = _NUMBER.match(text, start)
    if m is None:
        return None
    return key(_digit_tokens(m.group(), m.start(), decimal_comma(lang))[0][0])
