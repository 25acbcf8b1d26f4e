"""model:roundtrip: target-only spans from round trips through the pivots.

A word no round trip keeps is lossy; a word the reverse model finds far less likely than its
own choice (or that every round trip reorders) is awkward. A word's gap is the smallest over
the pivots' reverse models: it is awkward only when every pivot finds it surprising.
"""

from __future__ import annotations

from collections.abc import Iterable

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.profile import SpanThresholds
from tqcheck.text.align import align, content_count, is_content, merge_flags, runs
from tqcheck.types import Flag


@register
class RoundTrip(Check):
    name = "model:roundtrip"
    needs = frozenset({Need.ROUNDTRIPS})
    category = "Accuracy/Mistranslation"
    description = ("words no round trip through the pivots keeps (lossy) or that the "
                   "reverse models find unlikely (awkward); target-only")

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        if ctx.source_pass is not None:
            return []  # source-aware: model:source compares with the source itself
        return roundtrip_flags(ctx.text, {p: pp.roundtrip for p, pp in ctx.pivots.items()},
                               ctx.pivot_gaps, ctx.lang, self.env.profile.spans)


def roundtrip_flags(text: str, roundtrips: dict[str, str], gaps: list[float], lang: str,
                    th: SpanThresholds) -> list[Flag]:
    """Target-only: words no round trip keeps are lossy; words every round trip moves, or
    that the reverse model finds far less likely than its own choice, are awkward."""
    if not roundtrips:
        return []
    min_chars = th.min_chars
    major_words = th.major_words
    aligns = {p: align(text, rt) for p, rt in roundtrips.items()}
    ws = next(iter(aligns.values())).a
    first = next(iter(aligns.values()))
    lost = [not any(al.kept[i] for al in aligns.values()) for i in range(len(ws))]
    rephrased = [any(col) for col in zip(*(al.replaced() for al in aligns.values()),
                                         strict=True)]
    moved = [all(col) for col in zip(*(al.moved() for al in aligns.values()), strict=True)]
    content = [is_content(w, lang, min_chars) for w in ws]
    bridge = [not c for c in content]
    awkward_gap, major_gap = th.awkward_gap, th.major_gap
    surprising = [g >= awkward_gap for g in gaps] if gaps else [False] * len(ws)
    # Awkward: the reverse model dislikes the word but the round trips keep or rephrase its
    # meaning, or every round trip reorders it. Lossy: no round trip keeps it otherwise.
    # A moved function word belongs to the awkward span ("talks the" calques "the talks"),
    # but a span needs at least one content word.
    awkward = [(m and not w.is_punct) or (c and s and (not lo or r))
               for w, c, m, s, lo, r in zip(ws, content, moved, surprising, lost, rephrased,
                                            strict=True)]
    lossy = [c and lo and not a for c, lo, a in zip(content, lost, awkward, strict=True)]
    flags: list[Flag] = []
    via = ", ".join(aligns)
    for i, j in runs(lossy, bridge):
        n = content_count(ws[i:j], lang, min_chars)
        flags.append(Flag(
            ws[i].start, ws[j - 1].end, "Accuracy/Mistranslation",
            "Major" if n >= major_words else "Minor",
            f"not kept by any round trip (via {via}): meaning may be lost or garbled",
            suggestion=first.counterpart(i, j) or None, signal="roundtrip"))
    for i, j in runs(awkward, bridge):
        if not any(content[i:j]):
            continue
        worst = max(gaps[i:j], default=0.0) if gaps else 0.0
        why = (f"the reverse model prefers other wording (gap {worst:.1f} nats)"
               if worst >= awkward_gap else f"every round trip (via {via}) reorders it")
        flags.append(Flag(
            ws[i].start, ws[j - 1].end, "Style/Awkward",
            "Major" if worst >= major_gap else "Minor", f"awkward: {why}",
            suggestion=first.counterpart(i, j) or None,
            signal="likelihood" if worst >= awkward_gap else "roundtrip"))
    return merge_flags(flags, th.merge_gap, text)
