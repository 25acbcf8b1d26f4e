"""model:paraphrase: awkward phrasing that the round trips rephrase and the models prefer.

Translation models normalise: several phrasings of one meaning translate to one phrase of
the pivot language, and come back as the phrasing the models saw most ("the necessity of a
ceasefire" -> "la nécessité d'un cessez-le-feu" -> "the need for a ceasefire"). A span is
awkward when every round trip rephrases it while keeping the rest of the segment, and the
reverse model of each pivot, given the pivot text, gives the round trip's phrasing a higher
log-probability per token than the segment's own. A rephrasing must carry content (a
content word for a content word) in words of the language (wordfreq's list: a model's slip,
"perffum", is its own favourite too), be more than a spelling or inflection variant, and
not rephrase names or numbers alone. The suggestion is the rephrasing.
Target-only, as model:roundtrip (with a source, model:source compares with it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.profile import SpanThresholds
from tqcheck.text.align import Word, align, is_content, similar
from tqcheck.text.frequency import zipf
from tqcheck.text.names import names
from tqcheck.types import Flag, TokenScores


@dataclass(frozen=True)
class Rephrasing:
    """One round trip's other phrasing of words [i, j) of the segment."""

    i: int
    j: int
    phrasing: str
    gain: float  # nats per token the reverse model prefers `phrasing` by


@register
class Paraphrase(Check):
    name = "model:paraphrase"
    needs = frozenset({Need.ROUNDTRIPS, Need.ROUNDTRIP_SCORES})
    category = "Style/Awkward"
    description = ("phrasing every round trip rephrases, keeping the rest, in words the "
                   "reverse models prefer (calques, unidiomatic wording); target-only")

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        if ctx.source_pass is not None:
            return []
        th = self.env.profile.spans
        found = {p: rephrasings(ctx.text, pp.roundtrip, pp.scores, pp.roundtrip_scores,
                                ctx.lang, th)
                 for p, pp in ctx.pivots.items() if pp.roundtrip_scores is not None}
        if not found:
            return []
        ws, gaps = ctx.words, ctx.pivot_gaps
        flags = []
        for r in next(iter(found.values())):
            # Every pivot must rephrase (part of) the same words, with a gain.
            agreeing = {p: next((o for o in rs if o.i < r.j and r.i < o.j), None)
                        for p, rs in found.items()}
            if any(o is None for o in agreeing.values()):
                continue
            best = max((o for o in agreeing.values() if o is not None), key=lambda o: o.gain)
            ctx.measure(self.name, "gain", best.gain)
            via = ", ".join(f'"{o.phrasing}" (via {p}: {o.gain:+.1f})'
                            for p, o in agreeing.items() if o is not None)
            # Major as model:roundtrip's awkward words: where every reverse model finds a
            # word of it far less likely than its own choice.
            major = max(gaps[r.i:r.j]) >= th.major_gap
            i, j = r.i, r.j  # punctuation neither starts nor ends a span (as text.align.runs)
            while i < j - 1 and ws[i].is_punct:
                i += 1
            while j - 1 > i and ws[j - 1].is_punct:
                j -= 1
            flags.append(Flag(
                ws[i].start, ws[j - 1].end, "Style/Awkward", "Major" if major else "Minor",
                f"awkward: the round trips rephrase it as {via}, wording the reverse models "
                "prefer (log-probability gain, nats per token)", suggestion=best.phrasing or None,
                signal="paraphrase"))
        return flags


def rephrasings(text: str, roundtrip: str, own: TokenScores, theirs: TokenScores,
                lang: str, th: SpanThresholds) -> list[Rephrasing]:
    """The short spans one round trip rephrases, keeping the content words around them
    (`paraphrase_words` on each side), where the reverse model prefers the rephrasing by
    `paraphrase_gain` per token."""
    al = align(text, roundtrip)
    a, b = al.a, al.b
    if not b or not theirs.logprobs or not own.logprobs:
        return []  # nothing came back: no phrasing to prefer
    content = [is_content(w, lang, th.min_chars) for w in a]
    own_words = {w.norm for w in a}
    fixed = {(w.start, w.end) for w in names(text, lang)} | {
        (w.start, w.end) for w in a if any(ch.isdigit() for ch in w.text)}
    out = []
    for a0, a1, b0, b1 in _changes(al.opcodes):
        if a1 == a0 or max(a1 - a0, b1 - b0) > th.paraphrase_words:
            continue
        if not any(content[a0:a1]):
            continue  # function words alone: a slip of the models as often as an improvement
        if not any(is_content(w, lang, th.min_chars) for w in b[b0:b1]):
            continue  # content dropped, not rephrased: model:roundtrip's lossy
        if not all(_known(w, lang, own_words, th.paraphrase_known_zipf) for w in b[b0:b1]):
            continue  # the model wrote a word the language does not have: a slip
        span = text[a[a0].start:a[a1 - 1].end]
        phrasing = roundtrip[b[b0].start:b[b1 - 1].end]
        if similar(span, phrasing, th.same_word_ratio):
            continue  # a spelling or inflection variant ("icebergs" -> "iceberg"), not wording
        if all(not c or (w.start, w.end) in fixed for c, w in zip(content[a0:a1], a[a0:a1],
                                                                    strict=True)):
            continue  # names and numbers are kept or changed, never rephrased (meaning:*)
        around = [i for i in range(max(0, a0 - th.paraphrase_words),
                                   min(len(a), a1 + th.paraphrase_words))
                  if content[i] and not a0 <= i < a1]
        if around and sum(al.kept[i] for i in around) / len(around) < th.paraphrase_kept:
            continue  # the round trip changes the context too: no evidence on this span
        gain = (_mean(theirs, _extent(b, b0, b1, len(roundtrip)))
                - _mean(own, _extent(a, a0, a1, len(text))))
        if gain >= th.paraphrase_gain:
            out.append(Rephrasing(a0, a1, phrasing, gain))
    return out


def _changes(opcodes: list[tuple[str, int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """The changed stretches of an alignment ((a0, a1, b0, b1)), adjacent changes as one
    ("in a relative manner" -> "relatively" aligns as a replace and a delete)."""
    out: list[tuple[int, int, int, int]] = []
    for tag, a0, a1, b0, b1 in opcodes:
        if tag == "equal":
            continue
        if out and out[-1][1] == a0 and out[-1][3] == b0:
            out[-1] = (out[-1][0], a1, out[-1][2], b1)
        else:
            out.append((a0, a1, b0, b1))
    return out


def _known(w: Word, lang: str, own_words: set[str], min_zipf: float) -> bool:
    """A word of a rephrasing is a word of the language: punctuation, a number, a word of
    the segment itself (a name), or one wordfreq knows at least this well (where wordfreq
    has no list for the language, every word is)."""
    if w.is_punct or any(c.isdigit() for c in w.text) or w.norm in own_words:
        return True
    z = zipf(w.text, lang)
    return z is None or z >= min_zipf


def _extent(ws: list[Word], i: int, j: int, length: int) -> tuple[int, int]:
    """Characters of words [i, j) and of the word after them (what a phrasing does to its
    context counts too); an empty phrasing is only that next word."""
    start = ws[i].start if i < len(ws) else length
    end = ws[j].end if j < len(ws) else (ws[j - 1].end if j > i else length)
    return start, end


def _mean(scores: TokenScores, extent: tuple[int, int]) -> float:
    """Mean log-probability of the tokens in `extent` (the end of text: its last tokens)."""
    s, e = extent
    inside = [lp for (ts, te), lp in zip(scores.offsets, scores.logprobs, strict=True)
              if ts < e and s < te]
    if not inside:  # at the very end: the end-of-sentence token
        inside = list(scores.logprobs[-1:])
    return sum(inside) / len(inside)
