"""Per-language word lists the rules use, read from configs/languages.toml: number and scale
words, decimal separators, and the words a language may write twice in a row."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from tqcheck.config import config_file, config_path
from tqcheck.errors import ConfigError


def _table(*keys: str) -> dict:
    node: object = config_file("languages.toml")
    for key in keys:
        node = node.get(key, {}) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            raise ConfigError(f"{config_path('languages.toml')}: [{'.'.join(keys)}] must be "
                              "a table")
    return node


@cache
def number_words(lang: str) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """(number words, scale words) of `lang`, lower case -> value (empty when unknown)."""
    def values(kind: str) -> dict[str, Decimal]:
        table = _table("numbers", lang, kind) if lang in _table("numbers") else {}
        try:
            return {w.lower(): Decimal(str(v)) for w, v in table.items()}
        except ArithmeticError as exc:
            raise ConfigError(f"{config_path('languages.toml')}: [numbers.{lang}.{kind}]: "
                              f"values must be numbers ({exc})") from None

    return values("words"), values("scales")


@cache
def repetition_allowed(lang: str) -> frozenset[str]:
    words = _table("repetition", "allowed").get(lang, [])
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ConfigError(f"{config_path('languages.toml')}: [repetition.allowed] {lang} "
                          "must be a list of words")
    return frozenset(w.lower() for w in words)


@cache
def decimal_comma(lang: str) -> bool:
    """Whether `lang` writes "3,5" for three and a half."""
    langs = config_file("languages.toml").get("decimal_comma", [])
    if not isinstance(langs, list):
        raise ConfigError(f"{config_path('languages.toml')}: decimal_comma must be a list")
    return lang in langs
