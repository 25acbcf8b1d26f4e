"""rules:repetition: repeated words ("the the") and phrases ("el partido el partido").
Doublings a language writes on purpose ("that that", "es es") are listed in
configs/languages.toml and left alone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import pairwise

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.text.align import Word, words
from tqcheck.text.lexicon import (
    language_table,
    repetition_allowed,
    repetition_joiners,
    repetition_relative,
)
from tqcheck.text.names import sentence_start
from tqcheck.types import Flag


@register
class Repetition(Check):
    name = "rules:repetition"
    category = "Fluency/Repetition"
    description = "the same word or phrase twice in a row (not a doubled name)"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return repetition_flags(ctx.text, ctx.lang)


def repetition_flags(target: str, lang: str = "en") -> list[Flag]:
    """The same word twice in a row ("the the"): almost always a fluency error. Not a
    doubled name ("Bora Bora", "Tian Tian")."""
    ws = [w for w in words(target) if not w.is_punct]
    allowed = repetition_allowed(lang)
    relative = repetition_relative(lang)
    prepositions = _prepositions(lang) if relative else frozenset()
    flags = []
    for k, (prev, cur) in enumerate(pairwise(ws)):
        between = target[prev.end:cur.start]
        if cur.norm == prev.norm and not cur.text.isdigit() and between.isspace() \
                and (cur.norm not in allowed or (
                    cur.norm in relative and k > 0
                    and _no_relative(target, ws, k, prepositions))) \
                and not cur.text[:1].isupper():
            flags.append(Flag(prev.start, cur.end, "Fluency/Repetition", "Minor",
                              f"repeated word {cur.text!r}", suggestion=prev.text,
                              signal="rules:repetition"))
    # A phrase of two to four words written twice, spaces alone between (MT's stutter):
    # lower-case words only, so a doubled name ("Sri Lanka Sri Lanka" in a list) is left.
    i, n_words, joiners = 0, len(ws), repetition_joiners(lang)
    while i < n_words:
        for n in range(PHRASE_MAX, 1, -1):
            if i + 2 * n > n_words or ws[i].norm != ws[i + n].norm:
                continue  # (the cheap test first: most words start no doubled phrase)
            first, second = ws[i:i + n], ws[i + n:i + 2 * n]
            if [w.norm for w in first] == [w.norm for w in second] \
                    and all(target[a.end:b.start].isspace() for a, b in pairwise(
                        first + second)) and all(w.text[:1].islower() for w in first) \
                    and len({w.norm for w in first}) > 1 \
                    and not (i + 2 * n < n_words and ws[i + 2 * n].norm == first[0].norm) \
                    and not (n == 2 and joiners & {first[0].norm, first[1].norm}):
                # (one word repeated is the single-word rule's; the last two: emphasis,
                # "bigger and bigger and bigger", "bigger and bigger and eventually", "and
                # more and more")
                flags.append(Flag(first[0].start, second[-1].end, "Fluency/Repetition",
                                  "Minor", f"repeated phrase "
                                  f"{target[first[0].start:first[-1].end]!r}",
                                  suggestion=target[first[0].start:first[-1].end],
                                  signal="rules:repetition"))
                i += 2 * n - 1
                break
        i += 1
    return flags


PHRASE_MAX = 4  # the longest phrase whose doubling is flagged
# Up to the clause's end, a lower-case word before a capitalised one: the second article's
# noun inside an attribute, then the attribute's adjective and the first article's noun.
_ATTRIBUTE = re.compile(r"[^,.;:!?]*?\b[^\W\d_A-ZÄÖÜ][^\W\d_]*\s+[A-ZÄÖÜ]")


def _no_relative(target: str, ws: list[Word], k: int, prepositions: frozenset[str]) -> bool:
    """Whether the pair ws[k], ws[k + 1] of a word that is doubled only as a relative
    pronoun and an article (`[repetition.relative]`) cannot be one: a relative pronoun comes
    after a comma, or a comma and a preposition (", für die die Familien"); after a noun or
    a preposition with no comma, the word is doubled ("die Kritik der der Opposition", "für
    die die Familien"). Not where an adjective and its noun follow (an attribute: "mit dem
    dem Minister nahen Beamten")."""
    before = ws[k - 1]
    if "," in target[before.end:ws[k].start] or _ATTRIBUTE.match(target, ws[k + 1].end):
        return False
    if before.norm in prepositions:
        return not target[:before.start].rstrip().endswith(",")
    return before.text[:1].isupper() and not sentence_start(target, before.start)


@cache
def _prepositions(lang: str) -> frozenset[str]:
    """The language's prepositions (`[determiners.LANG]`), after which a doubled relative
    word needs a comma before the preposition."""
    from tqcheck.checks.determiners import prepositions

    return frozenset(p.lower() for p in prepositions(language_table("determiners", lang)))
