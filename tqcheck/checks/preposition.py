"""grammar:preposition: a noun or adjective right after a preposition in a case the
preposition never governs ("к решение", "без помощь", "для страна"), by the morphological
analyser of configs/languages.toml `[agreement] analyser` (pymorphy3 for Russian) and the
cases each preposition takes (`[prepositions.LANG]`).

MT loses a case where it renders an English preposition word for word or keeps the case of
another construction, and a reader sees it at once. Only a word whose every likely reading
is a declined noun, adjective or participle counts (no name or indeclinable word, no
number), and only when none of its readings is in a case the preposition takes; the flag
covers the word, its form in the likeliest of those cases the suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from typing import Any

from tqcheck.check.base import register
from tqcheck.check.context import SegmentContext
from tqcheck.checks.agreement import _SAME_CASE, Agreement, _parses, cased_like
from tqcheck.config import config_path
from tqcheck.errors import ConfigError
from tqcheck.text.lexicon import language_table
from tqcheck.types import Flag

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_DECLINED = ("NOUN", "ADJF", "PRTF")
_UNDECLINED = ("Fixd", "Abbr", "Name", "Surn", "Patr", "Geox", "Orgn", "Init")
DECLINED_SHARE = 0.9  # of the word's probability in declined readings


@cache
def _governs(lang: str) -> dict[str, frozenset[str]]:
    """`[prepositions.LANG]`: preposition -> the cases it governs."""
    try:
        return {p.lower(): frozenset(cases)
                for p, cases in language_table("prepositions", lang).items()}
    except TypeError as exc:
        raise ConfigError(f"{config_path('languages.toml')}: [prepositions.{lang}] maps "
                          f"prepositions to lists of cases ({exc})") from None


@cache
def _rules(lang: str) -> tuple[frozenset[str], tuple[str, ...], dict[str, frozenset[str]]]:
    """`[preposition_rules.LANG]`: (ranks, fixed phrases, not_after)."""
    table = language_table("preposition_rules", lang)
    try:
        return (frozenset(table.get("ranks", [])), tuple(table.get("fixed", [])),
                {p: frozenset(ws) for p, ws in table.get("not_after", {}).items()})
    except (AttributeError, TypeError) as exc:
        raise ConfigError(f"{config_path('languages.toml')}: [preposition_rules.{lang}]: "
                          f"ranks and fixed are lists, not_after a table of lists ({exc})"
                          ) from None


def _case(tag: Any) -> str | None:
    return _SAME_CASE.get(tag.case, tag.case)


@register
class Preposition(Agreement):
    name = "grammar:preposition"
    languages = frozenset(language_table("prepositions"))
    description = "a word after a preposition in a case the preposition never governs"

    def signature(self) -> dict[str, str]:
        return {}  # (grammar:agreement's signature names the analyser)

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        text, lang = ctx.text, ctx.lang
        governs = _governs(lang)
        ranks, fixed, not_after = _rules(lang)
        ws = list(_WORD.finditer(text))
        out = []
        for k, (prep, word) in enumerate(pairwise(ws)):
            preposition = prep.group().lower()
            cases = governs.get(preposition)
            if cases is None or text[prep.end():word.start()] != " " or \
                    not word.group()[:1].islower() or \
                    text.startswith(fixed, word.start()) or (
                        k > 0 and ws[k - 1].group().lower() in not_after.get(preposition, ())):
                continue
            parses = _parses(lang, word.group().lower())
            declined = [p for p in parses if p.tag.POS in _DECLINED
                        and not any(g in p.tag for g in _UNDECLINED)]
            if sum(p.score for p in declined) < DECLINED_SHARE:
                continue
            if any(_case(p.tag) in cases or (
                    preposition in ranks and p.tag.case == "nomn" and p.tag.number == "plur"
                    and p.tag.animacy == "anim") for p in declined):
                continue  # (ranks: "в заложники")
            best = max(declined, key=lambda p: p.score)
            wanted = next((c for c in ("gent", "datv", "accs", "ablt", "loct")
                           if c in cases), None)
            form = best.inflect({wanted}) if wanted else None
            out.append(Flag(word.start(), word.end(), self.category, "Minor",
                            f"{text[prep.start():word.end()]!r}: {prep.group()!r} takes "
                            f"{', '.join(sorted(cases))}, not this case",
                            suggestion=cased_like(word.group(), form.word) if form else None,
                            signal=self.name))
        return out
