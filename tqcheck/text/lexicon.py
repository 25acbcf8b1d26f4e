"""Per-language data the checks use, read from configs/languages.toml: number and scale
words, decimal separators, negators, scripts, whether nouns are capitalised, and the words a
language may write twice in a row."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from tqcheck.config import config_file, config_path
from tqcheck.errors import ConfigError


def language_table(*keys: str) -> dict:
    """The table configs/languages.toml holds at `keys` ({} where absent), or a clear error
    naming it where it is no table."""
    node: object = config_file("languages.toml")
    for key in keys:
        node = node.get(key, {}) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            raise ConfigError(f"{config_path('languages.toml')}: [{'.'.join(keys)}] must be "
                              "a table")
    return node


@cache
def number_words(lang: str, matching: bool = False
                 ) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """(number words, scale words) of `lang`, lower case -> value (empty when unknown); with
    `matching`, also the words that only stand for digits of the other side (ordinals,
    anniversaries, decades: `match_words`, `match_scales`)."""
    def values(kind: str) -> dict[str, Decimal]:
        table = language_table("numbers", lang, kind) if lang in language_table("numbers") else {}
        try:
            return {w.lower(): Decimal(str(v)) for w, v in table.items()}
        except ArithmeticError as exc:
            raise ConfigError(f"{config_path('languages.toml')}: [numbers.{lang}.{kind}]: "
                              f"values must be numbers ({exc})") from None

    words, scales = values("words"), values("scales")
    if matching:
        words, scales = words | values("match_words"), scales | values("match_scales")
    return words, scales


@cache
def clock_words(lang: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(hour words, afternoon words, morning words) of `lang`, lower case ([clock.LANG]; empty
    when unknown): what makes a number a clock hour, and which half of the day it is in."""
    table = language_table("clock", lang) if lang in language_table("clock") else {}
    return tuple(tuple(w.lower() for w in _word_list(f"[clock.{lang}] {kind}",
                                                     table.get(kind, [])))
                 for kind in ("hour", "afternoon", "morning"))  # type: ignore[return-value]


@cache
def clock_zones() -> frozenset[str]:
    """Time zones after which four digits are a time ("0200 GMT"), as written."""
    return frozenset(_word_list("[clock] zones", language_table("clock").get("zones", [])))


@cache
def repetition_allowed(lang: str) -> frozenset[str]:
    words = language_table("repetition", "allowed").get(lang, [])
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ConfigError(f"{config_path('languages.toml')}: [repetition.allowed] {lang} "
                          "must be a list of words")
    return frozenset(w.lower() for w in words)


@cache
def repetition_relative(lang: str) -> frozenset[str]:
    """Words that are right twice in a row only as a relative pronoun and an article ("die
    Frau, für die die Regeln gelten")."""
    words = language_table("repetition", "relative").get(lang, [])
    return frozenset(w.lower() for w in _word_list(f"[repetition.relative] {lang}", words))


@cache
def repetition_joiners(lang: str) -> frozenset[str]:
    """Words that join a word to itself for emphasis ("bigger and bigger")."""
    words = language_table("repetition", "joiners").get(lang, [])
    return frozenset(w.lower() for w in _word_list(f"[repetition.joiners] {lang}", words))


@cache
def decimal_comma(lang: str) -> bool:
    """Whether `lang` writes "3,5" for three and a half."""
    langs = config_file("languages.toml").get("decimal_comma", [])
    if not isinstance(langs, list):
        raise ConfigError(f"{config_path('languages.toml')}: decimal_comma must be a list")
    return lang in langs


def _word_list(name: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise ConfigError(f"{config_path('languages.toml')}: {name} must be a list of words")
    return value


@cache
def scripts(lang: str) -> frozenset[str]:
    """The scripts `lang` is written in (Unicode name prefixes: LATIN, CYRILLIC, CJK...)."""
    return frozenset(_word_list(f"[scripts] {lang}",
                                language_table("scripts").get(lang, ["LATIN"])))


def latin_only(lang: str) -> bool:
    return scripts(lang) == frozenset({"LATIN"})


@cache
def spaced_punctuation(lang: str) -> bool:
    """Whether `lang` sets a space before ; : ! ? ("Vraiment ?")."""
    return lang in _word_list("space_before_punctuation",
                              config_file("languages.toml").get("space_before_punctuation",
                                                                []))


@cache
def spaces_words(lang: str) -> bool:
    """Whether `lang` writes spaces between its words and sentences (not zh, ja, th...)."""
    return lang not in _word_list("unspaced_words",
                                  config_file("languages.toml").get("unspaced_words", []))


@cache
def capitalises_nouns(lang: str) -> bool:
    """Whether `lang` writes every noun with a capital ("die Regierung")."""
    return lang in _word_list("capitalised_nouns",
                              config_file("languages.toml").get("capitalised_nouns", []))


@cache
def negation_regex(lang: str) -> re.Pattern[str] | None:
    """A pattern for the negators of `lang` ([negation]), None when it has none listed.
    CJK negators match inside words (Chinese writes no spaces); others as whole words, and
    an entry with an apostrophe as a word ending ("n't" in "didn't", with ' or ’)."""
    listed = _word_list(f"[negation] {lang}", language_table("negation").get(lang, []))
    if not listed:
        return None
    whole, suffixes, bare = [], [], []
    for w in sorted({w.lower() for w in listed}, key=len, reverse=True):
        if "'" in w or "’" in w:
            suffixes.append("['’]".join(re.escape(x) for x in re.split("['’]", w)))
        elif re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", w):
            bare.append(re.escape(w))
        else:
            whole.append(re.escape(w))
    parts = ([rf"(?<!\w)(?:{'|'.join(whole)})(?!\w)"] if whole else []) + (
        [rf"(?:{'|'.join(suffixes)})(?!\w)"] if suffixes else []) + (
        [f"(?:{'|'.join(bare)})"] if bare else [])
    return re.compile("|".join(parts), re.IGNORECASE)


def negators(text: str, lang: str) -> list[tuple[int, int]]:
    """Where `text` negates: the (start, end) of each negator of `lang`."""
    pattern = negation_regex(lang)
    return [] if pattern is None else [m.span() for m in pattern.finditer(text)]
