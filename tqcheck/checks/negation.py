"""meaning:negation: a negation the text has and a translation of its source does not, or
the reverse.

A lost "not" costs a newsroom more than any awkward phrase, and it does not show in sentence
metrics: one word of twenty changes a chrF by a few points. So negators (configs/
languages.toml) are counted on each side: the text, the pseudo-reference, and the source
itself where its language's negators are listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.text.align import Word, align
from tqcheck.text.lexicon import negation_regex, negators
from tqcheck.types import Flag

NEGATION = "meaning:negation"


@register
class Negation(Check):
    name = NEGATION
    needs = frozenset({Need.SOURCE, Need.SOURCE_MODELS})
    category = "Accuracy/Mistranslation"
    severity = "Major"
    description = "a negation the text adds or drops against a translation of its source"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return negation_flags(ctx.text, ctx.lang, ctx.given_models().pseudo_reference,
                              ctx.given_source(), ctx.src_lang, ctx.gaps_given_source,
                              self.env.profile.spans.lossy_gap)


def _negated_words(ws: Sequence[Word], spans: list[tuple[int, int]]) -> list[int]:
    """Indices of the words that hold a negator ("didn't" holds "n't")."""
    return [k for k, w in enumerate(ws) if any(w.start <= a and b <= w.end for a, b in spans)]


def negation_flags(text: str, lang: str, pseudo_reference: str, source: str | None = None,
                   src_lang: str | None = None, gaps: Sequence[float] = (),
                   confirm_gap: float = 0.0) -> list[Flag]:
    """A negation the text has and a translation of its source does not, or the reverse.

    Counts decide, not words ("did not" = "didn't"). Where the source language's negators
    are listed, the source's own count must side with the pseudo-reference, else the
    pseudo-reference is the odd one and nothing is said. `gaps` (forced decoding of the text
    given the source, per word) make a negation the text adds Major only when the model
    finds it at least `confirm_gap` nats less likely than its own choice."""
    in_text, in_ref = negators(text, lang), negators(pseudo_reference, lang)
    if len(in_text) == len(in_ref):
        return []
    if (source is not None and src_lang and negation_regex(src_lang) is not None
            and len(negators(source, src_lang)) == len(in_text)):
        return []
    flags: list[Flag] = []
    if len(in_text) > len(in_ref):
        al = align(text, pseudo_reference)
        idx = _negated_words(al.a, in_text)
        extra = [k for k in idx if not al.kept[k]] or idx
        for k in extra[: len(in_text) - len(in_ref)]:
            w = al.a[k]
            confirmed = not gaps or gaps[k] >= confirm_gap
            flags.append(Flag(w.start, w.end, "Accuracy/Mistranslation",
                              "Major" if confirmed else "Minor",
                              f"negation {w.text!r} is not in the source: a translation of "
                              f"the source has no negation here",
                              signal=NEGATION))
        return flags
    back = align(pseudo_reference, text)
    idx = _negated_words(back.a, in_ref)
    missing = [k for k in idx if not back.kept[k]] or idx
    for k in missing[: len(in_ref) - len(in_text)]:
        start, end = _landing(back.opcodes, k, back.b)
        if start is None or end is None:
            continue
        ref_words = back.a[max(0, k - 1): k + 2]
        says = pseudo_reference[ref_words[0].start: ref_words[-1].end]
        flags.append(Flag(start, end, "Accuracy/Mistranslation", "Major",
                          f"the source negates here ({says!r} in a translation of it); "
                          "the translation does not", suggestion=says, signal=NEGATION))
    return flags


def _landing(opcodes: Sequence[tuple[str, int, int, int, int]], k: int,
             text_words: Sequence[Word]) -> tuple[int | None, int | None]:
    """The text span that stands where word `k` of the other wording would: the words it
    replaces, or the words on both sides of where it was dropped."""
    for _tag, a0, a1, b0, b1 in opcodes:
        if a0 <= k < max(a1, a0 + 1):
            lo, hi = (b0, b1) if b1 > b0 else (b0 - 1, b0 + 1)
            lo, hi = max(lo, 0), min(hi, len(text_words))
            if lo >= hi:
                return None, None
            return text_words[lo].start, text_words[hi - 1].end
    return None, None
