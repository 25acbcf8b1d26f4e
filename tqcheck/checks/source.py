"""model:source: spans from the text compared with a translation of its source, and the
source with a back-translation of the text.

The text against the pseudo-reference gives additions, mistranslations and awkward wording;
the source against the back-translation gives omissions, reported only for source words the
source's own round trip keeps (what the models cannot carry says nothing about the text).
"""

from __future__ import annotations

from collections.abc import Iterable

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.profile import SpanThresholds
from tqcheck.text.align import (
    align,
    content_count,
    is_content,
    merge_flags,
    runs,
    similar,
    word_gaps,
    words,
)
from tqcheck.types import Flag


@register
class SourceComparison(Check):
    name = "model:source"
    needs = frozenset({Need.SOURCE, Need.SOURCE_MODELS})
    category = "Accuracy/Mistranslation"
    severity = "Major"
    description = ("words a translation of the source does not support (addition, "
                   "mistranslation), source words the back-translation drops (omission), "
                   "wording the models find unlikely given the source (awkward)")

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        sp, source = ctx.given_models(), ctx.given_source()
        gaps = ctx.gaps_given_source
        back = ctx.backtranslation
        via_bt = word_gaps(ctx.words, back.scores)
        return source_flags(ctx.text, source, sp.pseudo_reference, back.text, gaps,
                            ctx.lang, sp.lang, self.env.profile.spans,
                            word_gaps(ctx.source_words, sp.source_given_text),
                            sp.source_roundtrip,
                            [min(a, b) for a, b in zip(gaps, via_bt, strict=True)])


def source_flags(text: str, source: str, pseudo_reference: str, backtranslation: str,
                 gaps: list[float], lang: str, src_lang: str, th: SpanThresholds,
                 source_gaps: list[float] | None = None,
                 source_roundtrip: str | None = None,
                 awkward_gaps: list[float] | None = None) -> list[Flag]:
    """Source-aware: compare the MT with a translation of the source (additions,
    mistranslations, awkward wording) and the source with a back-translation (omissions).

    `gaps` are per-word forced-decoding gaps of the text given the source; `source_gaps`
    those of the source given the text (the reverse model): a source word the text does not
    explain is surprising there, which confirms an omission. `source_roundtrip` is the
    source through the target language and back: a source word that it loses too is one
    the models cannot carry, so its absence from the back-translation says nothing about
    the text. `awkward_gaps` (default `gaps`) decide awkward wording: the checker passes the
    smaller of the gaps given the source and given the back-translation, so that a word is
    awkward only when both find it unlikely, not where one model merely lacks the domain."""
    min_chars = th.min_chars
    major_words = th.major_words
    awkward_gap, major_gap = th.awkward_gap, th.major_gap
    flags: list[Flag] = []

    ref = align(text, pseudo_reference)
    ws = ref.a
    content = [is_content(w, lang, min_chars) for w in ws]
    bridge = [not c for c in content]
    # A word the source has as it is (a name, a number, a term) is copied, not changed.
    copied = {w.text for w in words(source)}
    unsupported = [not k and c and w.text not in copied
                   for w, k, c in zip(ws, ref.kept, content, strict=True)]
    lossy_gap = th.lossy_gap
    for i, j in runs(unsupported, bridge):
        # The pseudo-reference is one translation among many: a word it lacks is only flagged
        # when the model, made to emit the text given the source, also finds it unlikely.
        if gaps and max(gaps[i:j]) < lossy_gap:
            continue
        replacement = ref.counterpart(i, j)
        if replacement and similar(text[ws[i].start:ws[j - 1].end], replacement,
                                   th.same_word_ratio):
            continue  # a spelling or inflection variant, not a change of meaning
        n = content_count(ws[i:j], lang, min_chars)
        sev = "Major" if n >= major_words else "Minor"
        if replacement:
            flags.append(Flag(ws[i].start, ws[j - 1].end, "Accuracy/Mistranslation", sev,
                              f"a translation of the source says {replacement!r} here",
                              suggestion=replacement, signal="source"))
        else:
            flags.append(Flag(ws[i].start, ws[j - 1].end, "Accuracy/Addition", sev,
                              "not supported by the source (absent from its translation)",
                              signal="source"))
    wording = awkward_gaps if awkward_gaps is not None else gaps
    if wording:
        surprising = [g >= awkward_gap and c and k
                      for g, c, k in zip(wording, content, ref.kept, strict=True)]
        for i, j in runs(surprising, bridge):
            worst = max(wording[i:j])
            flags.append(Flag(ws[i].start, ws[j - 1].end, "Style/Awkward",
                              "Major" if worst >= major_gap else "Minor",
                              f"awkward: the model prefers other wording (gap {worst:.1f} nats)",
                              suggestion=ref.counterpart(i, j) or None, signal="likelihood"))

    back = align(source, backtranslation)
    s_content = [is_content(w, src_lang, min_chars) for w in back.a]
    deleted = [False] * len(back.a)
    for tag, a0, a1, _b0, _b1 in back.opcodes:
        if tag == "delete":
            for k in range(a0, a1):
                deleted[k] = not back.kept[k]
    carried = (align(source, source_roundtrip).kept if source_roundtrip is not None
               else [True] * len(back.a))
    for i, j in runs([d and c and k for d, c, k in zip(deleted, s_content, carried,
                                                        strict=True)],
                     [not c for c in s_content]):
        if source_gaps and max(source_gaps[i:j]) < lossy_gap:
            continue
        n = content_count(back.a[i:j], src_lang, min_chars)
        flags.append(Flag(back.a[i].start, back.a[j - 1].end, "Accuracy/Omission",
                          "Major" if n >= major_words else "Minor",
                          "source words with no counterpart in the translation "
                          "(absent from its back-translation)", side="source",
                          signal="source"))
    merged = merge_flags([f for f in flags if f.side == "target"],
                          th.merge_gap, text)
    merged += merge_flags([f for f in flags if f.side == "source"],
                           th.merge_gap, source)
    return merged
