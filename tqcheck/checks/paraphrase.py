"""model:paraphrase: awkward phrasing that the round trips rephrase and the models prefer.

Translation models normalise: several phrasings of one meaning translate to one phrase of
the pivot language, and come back as the phrasing the models saw most ("the necessity of a
ceasefire" -> "la nécessité d'un cessez-le-feu" -> "the need for a ceasefire"). A span is
awkward when every round trip rephrases it while keeping the rest of the segment, and the
reverse model of each pivot, given the pivot text, gives the round trip's phrasing a higher
log-probability per token than the segment's own. A rephrasing must carry content (a
content word for a content word) in words of the language (wordfreq's list: a model's slip,
"perffum", is its own favourite too), be more than a spelling or inflection variant, and
not rephrase names or numbers alone. It may move words ("in a gradual manner the sound" ->
"the gradually sound"): changes with a few kept function words between them are one
rephrasing. The suggestion is the rephrasing.
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

# Kept words a rephrasing may move its words across ("in a basic way the DNA" -> "the
# basicly DNA"): function words or punctuation only, so that two rephrasings never join
# across content the round trip kept.
BRIDGE_WORDS = 2


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
    kept_b = {k for tag, _a0, _a1, b0, b1 in al.opcodes if tag == "equal"
              for k in range(b0, b1)}

    def rephrasing(a0: int, a1: int, b0: int, b1: int) -> Rephrasing | None:
        # A rephrasing that moved words ("in a gradual manner the sound" -> "the gradually
        # sound") has the words it kept at its ends: the span and phrasing leave them out,
        # the gain reads them (they are the phrasing's context on both sides).
        s0, s1, p0, p1 = a0, a1, b0, b1
        while s0 < s1 and al.in_order[s0]:
            s0 += 1
        while s1 > s0 and al.in_order[s1 - 1]:
            s1 -= 1
        while p0 < p1 and p0 in kept_b:
            p0 += 1
        while p1 > p0 and p1 - 1 in kept_b:
            p1 -= 1
        if s1 == s0 or max(a1 - a0, b1 - b0) > th.paraphrase_words:
            return None
        if not any(content[s0:s1]):
            return None  # function words alone: a slip of the models as often as an improvement
        if not any(is_content(w, lang, th.min_chars) for w in b[p0:p1]):
            return None  # content dropped, not rephrased: model:roundtrip's lossy
        if not all(_known(w, lang, own_words, th.paraphrase_known_zipf) for w in b[p0:p1]):
            return None  # the model wrote a word the language does not have: a slip
        phrasing = roundtrip[b[p0].start:b[p1 - 1].end]
        theirs_content = [w.text for w in b[p0:p1] if is_content(w, lang, th.min_chars)]
        own_content = [w.text for w, c in zip(a[s0:s1], content[s0:s1], strict=True) if c]
        if len(own_content) == len(theirs_content) and similar(
                " ".join(own_content), " ".join(theirs_content), th.same_word_ratio):
            return None  # its content words spelt or inflected otherwise ("icebergs" ->
            # "iceberg", "across, or" -> "acros"); in fewer content words it is wording
            # ("in a successful way" -> "successfully")
        if all(not c or (w.start, w.end) in fixed for c, w in zip(content[s0:s1], a[s0:s1],
                                                                    strict=True)):
            return None  # names and numbers are kept or changed, never rephrased (meaning:*)
        around = [i for i in range(max(0, a0 - th.paraphrase_words),
                                   min(len(a), a1 + th.paraphrase_words))
                  if content[i] and not a0 <= i < a1]
        if around and sum(al.kept[i] for i in around) / len(around) < th.paraphrase_kept:
            return None  # the round trip changes the context too: no evidence on this span
        gain = (_mean(theirs, _extent(b, b0, b1, len(roundtrip)))
                - _mean(own, _extent(a, a0, a1, len(text))))
        return Rephrasing(s0, s1, phrasing, gain) if gain >= th.paraphrase_gain else None

    out = []
    for group in _changes(al.opcodes, content):
        # The changes joined across function words first; where that is no rephrasing,
        # each change alone.
        whole = rephrasing(group[0][0], group[-1][1], group[0][2], group[-1][3])
        if whole is not None:
            out.append(whole)
        elif len(group) > 1:
            out += [r for part in group if (r := rephrasing(*part)) is not None]
    return out


def _changes(opcodes: list[tuple[str, int, int, int, int]],
             content: list[bool]) -> list[list[tuple[int, int, int, int]]]:
    """The changed stretches of an alignment ((a0, a1, b0, b1)), adjacent changes as one
    ("in a relative manner" -> "relatively" aligns as a replace and a delete), grouped with
    the next change across at most BRIDGE_WORDS kept function words or punctuation ("in a
    relative manner small" -> "relatively a small"; "in a basic way the DNA" -> "the
    basicly DNA")."""
    out: list[list[tuple[int, int, int, int]]] = []
    last: tuple[int, int, int, int] | None = None
    for tag, a0, a1, b0, b1 in opcodes:
        if tag == "equal":
            continue
        if last is not None and last[1] == a0 and last[3] == b0:
            last = out[-1][-1] = (last[0], a1, last[2], b1)
        elif (last is not None and a0 - last[1] <= BRIDGE_WORDS
              and not any(content[last[1]:a0])):
            last = (a0, a1, b0, b1)
            out[-1].append(last)
        else:
            last = (a0, a1, b0, b1)
            out.append([last])
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
