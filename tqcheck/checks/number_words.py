"""meaning:number: a number written as words in the text ("four") that neither the source
nor a translation of it has, beside a number of that translation the text lacks.

Numbers written with digits are compared with the source itself (rules:numbers); words hide
a number from a source in a language without a number table, so they are compared through
the pseudo-reference.
"""

from __future__ import annotations

from collections.abc import Iterable

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.text.numbers import numbers
from tqcheck.types import Flag

NUMBER = "meaning:number"


@register
class NumberWords(Check):
    name = NUMBER
    needs = frozenset({Need.SOURCE, Need.SOURCE_MODELS})
    category = "Accuracy/Number"
    severity = "Major"
    description = "a number written as words that the source and its translation do not have"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return number_word_flags(ctx.text, ctx.lang, ctx.given_models().pseudo_reference,
                                 ctx.given_source(), ctx.src_lang or "")


def number_word_flags(text: str, lang: str, pseudo_reference: str, source: str,
                      src_lang: str) -> list[Flag]:
    """A number in the text, written as words, that neither the source nor a translation of
    it has, beside a number of that translation that the text lacks ("four" for "three")."""
    ref_numbers = numbers(pseudo_reference, lang)
    in_ref = {n for n, _, _ in ref_numbers}
    in_src = {n for n, _, _ in numbers(source, src_lang)}
    in_text = numbers(text, lang)
    have = {n for n, _, _ in in_text}
    missing = [pseudo_reference[a:b] for n, a, b in ref_numbers if n not in have]
    if not missing:
        return []
    return [Flag(a, b, "Accuracy/Number", "Major",
                 f"number {text[a:b]!r} is in neither the source nor a translation of it, "
                 f"which has {', '.join(map(repr, dict.fromkeys(missing)))}",
                 suggestion=missing[0] if len(missing) == 1 else None, signal=NUMBER)
            for value, a, b in in_text
            if value not in in_ref and value not in in_src
            and not any(c.isdigit() for c in text[a:b])]  # digits: rules/numbers.py
