"""grammar:numeral: a noun in the singular after a number above one ("seit drei Woche",
"zwei Kandidat"), by the noun lexicon of grammar:determiner (german-nouns: every form of
100 000 nouns with its case and number) and the numbers of configs/languages.toml
(`[numbers.LANG]` and `[numerals.LANG]`).

MT drops a plural ending where the English noun's "-s" gave it no cue, and a reader sees
it at once. A noun is flagged only where none of its readings is plural; measure nouns that
stay singular after a number ("drei Euro", "zehn Prozent", "um zwei Uhr") are listed
(`units`), and a masculine or neuter noun whose plural is much rarer than its singular
(`unit_margin` in wordfreq's Zipf: "550 Hektar", "600 US-Dollar") is read as a measure too;
a number after a noun is an identifier ("Artikel 5 Absatz 2") and one after a colon a score
or a time ("0:3 Rückstand"). The flag covers the noun, its plural the suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from wordfreq import zipf_frequency

from tqcheck.check.base import register
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.checks.determiners import (
    CASES,
    PLURAL,
    Lexicon,
    ReadsNouns,
    lexicon,
    noun_readings,
)
from tqcheck.config import config_path
from tqcheck.errors import ConfigError
from tqcheck.text.lexicon import language_table, number_words
from tqcheck.types import Flag

# a number above one: digits (German groups thousands with "." and writes "2,5"), or a word
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*")
_PLURAL_BITS = sum(1 << (4 * c + PLURAL) for c in range(len(CASES)))


@dataclass(frozen=True)
class _Numerals:
    """`[numerals.LANG]`, read once."""

    words: frozenset[str]  # words of a plural quantity besides the number words
    units: frozenset[str]  # measure nouns that stay singular after a number
    unit_margin: float  # a plural this much rarer (Zipf) makes a noun a measure


@cache
def _numerals(lang: str) -> _Numerals:
    table = language_table("numerals", lang)
    margin = table.get("unit_margin", 1.0)
    try:
        if not isinstance(margin, (int, float)) or isinstance(margin, bool):
            raise TypeError(f"unit_margin {margin!r} is no number")
        return _Numerals(frozenset(table.get("words", [])), frozenset(table.get("units", [])),
                         float(margin))
    except TypeError as exc:
        raise ConfigError(f"{config_path('languages.toml')}: [numerals.{lang}]: words and "
                          f"units are lists, unit_margin a number ({exc})") from None


def _part_of_another(text: str, at: int) -> bool:
    """A number after a colon, a slash or a hyphen (a score or a time, "0:3 Rückstand", "5-2
    Sieg"; a name, "Covid-19 Pandemie"), or glued to letters (a code, "SS19 Kollektion")."""
    mark = text[at - 1:at]
    return mark in (":", "/", "-", "–") or mark.isalpha()


def _above_one(token: str, lang: str, words: frozenset[str]) -> bool:
    if token[0].isdigit():
        if re.fullmatch(r"(19|20)\d\d", token):
            return False  # a year ("2019 Wahlen"), not a count
        digits = token.replace(".", "").replace(",", ".")
        try:
            return Decimal(digits) > 1
        except InvalidOperation:
            return False
    lower = token.lower()
    value = number_words(lang)[0].get(lower)
    return (value is not None and value > 1) or lower in words


@register
class Numeral(ReadsNouns):
    name = "grammar:numeral"
    languages = frozenset(language_table("numerals"))
    category = "Fluency/Grammar"
    description = "a noun in the singular after a number above one"

    def __init__(self, env: CheckEnv) -> None:
        super().__init__(env)
        found = _numerals(env.lang)
        self.words, self.units, self.unit_margin = found.words, found.units, found.unit_margin

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        text, lang = ctx.text, ctx.lang
        ts = list(_TOKEN.finditer(text))
        out: list[Flag] = []
        lex = None
        for k in range(len(ts) - 1):
            number, noun = ts[k], ts[k + 1]
            word = noun.group()
            if text[number.end():noun.start()] != " " or not word[:1].isupper() or \
                    word in self.units or _part_of_another(text, number.start()) or \
                    not _above_one(number.group(), lang, self.words):
                continue
            lex = lex or lexicon(lang)
            before = ts[k - 1].group() if k > 0 else ""
            if before[:1].isupper() and text[ts[k - 1].end():number.start()] == " " and \
                    noun_readings(lex, before) is not None:
                continue  # an identifier after its noun ("Artikel 5 Absatz 2", "Platz 3")
            found = noun_readings(lex, word)
            if found is None or found[1] & _PLURAL_BITS or found[0] in self.units:
                continue
            plural = _plural(lex, word, found[0], found[1])
            if not _feminine(found[1]) and (plural is None or zipf_frequency(
                    plural, lang) < zipf_frequency(word, lang) - self.unit_margin):
                continue  # a measure ("550 Hektar", "600 US-Dollar"): its plural is rare
            out.append(Flag(noun.start(), noun.end(), self.category, "Minor",
                            f"{text[number.start():noun.end()]!r}: a noun in the singular "
                            "after a number above one", suggestion=plural, signal=self.name))
        return out


def _feminine(readings: int) -> bool:
    """Whether every singular reading is feminine (German feminine nouns take a plural after
    any number; measures that stay singular are masculine or neuter, "Mark" aside)."""
    singular = [b % 4 for b in range(16) if readings >> b & 1 and b % 4 != PLURAL]
    return bool(singular) and all(g == 1 for g in singular)


def _plural(lex: Lexicon, word: str, form: str, readings: int) -> str | None:
    """The noun's plural in the case of its first singular reading (a compound keeps its
    head: "Regierungssprecher" -> "Regierungssprecher" + the tail's plural ending)."""
    rows = lex.rows(form)
    if not rows:
        return None
    forms = lex.forms[rows[0]]
    case = next(b // 4 for b in range(16) if readings >> b & 1)
    plural = forms[4 + case] if len(forms) > 4 + case else None
    if not plural:
        return None
    return word[:len(word) - len(form)] + plural if word != form else plural

