"""grammar:preposition: a noun or adjective right after a preposition in a case the
preposition never governs ("к решение", "без помощь", "для страна"), by the morphological
analyser of configs/languages.toml `[agreement] analyser` (pymorphy3 for Russian) and the
cases each preposition takes (`[prepositions.LANG]`).

MT loses a case where it renders an English preposition word for word or keeps the case of
another construction, and a reader sees it at once. Only a word whose every likely reading
is a declined noun, adjective or participle counts (no name or indeclinable word, no
number), and only when none of its standard readings (not informal or archaic, where it has
others) is in a case the preposition takes; the flag
covers the word, its form in the likeliest of those cases the suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
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
_MARGINAL = ("Infr", "Arch")  # informal and archaic readings: "деньги" as a genitive of "деньга"
DECLINED_SHARE = 0.9  # of the word's probability in declined readings
LOOK_BACK = 3  # words before a preposition where `only_after` looks ("ударился головой о")


@cache
def _governs(lang: str) -> dict[str, frozenset[str]]:
    """`[prepositions.LANG]`: preposition -> the cases it governs."""
    try:
        return {p.lower(): frozenset(cases)
                for p, cases in language_table("prepositions", lang).items()}
    except TypeError as exc:
        raise ConfigError(f"{config_path('languages.toml')}: [prepositions.{lang}] maps "
                          f"prepositions to lists of cases ({exc})") from None


@dataclass(frozen=True)
class Rules:
    """`[preposition_rules.LANG]` (configs/languages.toml says what each holds)."""

    ranks: frozenset[str]
    fixed: tuple[str, ...]
    not_after: dict[str, frozenset[str]]
    only_after: dict[tuple[str, str], frozenset[str]]  # (preposition, case) -> lemmas


@cache
def _rules(lang: str) -> Rules:
    table = language_table("preposition_rules", lang)
    try:
        return Rules(frozenset(table.get("ranks", [])), tuple(table.get("fixed", [])),
                     {p: frozenset(ws) for p, ws in table.get("not_after", {}).items()},
                     {(p, rule["case"]): frozenset(rule["after"])
                      for rule in table.get("only_after", []) for p in rule["prepositions"]})
    except (AttributeError, TypeError, KeyError) as exc:
        raise ConfigError(f"{config_path('languages.toml')}: [preposition_rules.{lang}]: "
                          f"ranks and fixed are lists, not_after a table of lists, "
                          f"only_after tables of prepositions, case and after ({exc})"
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
        rules = _rules(lang)
        ws = list(_WORD.finditer(text))
        out = []
        for k, (prep, word) in enumerate(pairwise(ws)):
            preposition = prep.group().lower()
            cases = governs.get(preposition)
            if cases is None or text[prep.end():word.start()] != " " or \
                    not word.group()[:1].islower() or \
                    text.startswith(rules.fixed, word.start()) or (
                        k > 0 and ws[k - 1].group().lower() in
                        rules.not_after.get(preposition, ())):
                continue
            cases = self._cases_here(lang, preposition, cases, ws[max(0, k - LOOK_BACK):k],
                                     rules)
            parses = _parses(lang, word.group().lower())
            declined = [p for p in parses if p.tag.POS in _DECLINED
                        and not any(g in p.tag for g in _UNDECLINED)]
            if sum(p.score for p in declined) < DECLINED_SHARE:
                continue
            standard = [p for p in declined if not any(g in p.tag for g in _MARGINAL)]
            if any(_case(p.tag) in cases or (
                    preposition in rules.ranks and p.tag.case == "nomn" and p.tag.number == "plur"
                    and p.tag.animacy == "anim") for p in standard or declined):
                continue  # (ranks: "в заложники"; a marginal reading only where it is the
                # word's only one: "без деньги" is no informal genitive)
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

    @staticmethod
    def _cases_here(lang: str, preposition: str, cases: frozenset[str],
                    before: list[re.Match[str]], rules: Rules) -> frozenset[str]:
        """The preposition's cases, less those it takes only after certain words (`only_after`:
        "о" with the accusative after a verb of touching, "ударился о стену", not "решение о
        повышение") where none of the LOOK_BACK words before it is one of them."""
        out = set(cases)
        for case in cases:
            lemmas = rules.only_after.get((preposition, case))
            if lemmas is not None and not any(
                    p.normal_form in lemmas for w in before
                    for p in _parses(lang, w.group().lower())):
                out.discard(case)
        return frozenset(out) if out else cases
