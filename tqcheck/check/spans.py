"""Span extraction: alignments and forced-decoding gaps become flags.

Target-only, a word no round trip keeps is lossy and a word the reverse model finds far
less likely than its own choice (or that every round trip reorders) is awkward.
Source-aware, the text is compared with a translation of the source (additions,
mistranslations, awkward wording) and the source with a back-translation (omissions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tqcheck.check.align import Word, align, is_content, runs, similar, words
from tqcheck.check.profile import SpanThresholds
from tqcheck.types import Flag


def _merge_flags(flags: list[Flag], gap: int, text: str) -> list[Flag]:
    """Merge same-category flags separated by at most `gap` characters of whitespace."""
    out: list[Flag] = []
    for f in sorted(flags, key=lambda f: (f.side, f.category, f.start)):
        last = out[-1] if out else None
        if (last and last.category == f.category and last.side == f.side
                and f.start - last.end <= gap and not text[last.end:f.start].strip()):
            sev = "Major" if "Major" in (last.severity, f.severity) else "Minor"
            out[-1] = replace(last, end=max(last.end, f.end), severity=sev)  # type: ignore[arg-type]
        else:
            out.append(f)
    return sorted(out, key=lambda f: (f.side, f.start))


def _content_count(ws: Sequence[Word], lang: str, min_chars: int) -> int:
    return sum(is_content(w, lang, min_chars) for w in ws)


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
        n = _content_count(ws[i:j], lang, min_chars)
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
    return _merge_flags(flags, th.merge_gap, text)


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
        n = _content_count(ws[i:j], lang, min_chars)
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
        n = _content_count(back.a[i:j], src_lang, min_chars)
        flags.append(Flag(back.a[i].start, back.a[j - 1].end, "Accuracy/Omission",
                          "Major" if n >= major_words else "Minor",
                          "source words with no counterpart in the translation "
                          "(absent from its back-translation)", side="source",
                          signal="source"))
    merged = _merge_flags([f for f in flags if f.side == "target"],
                          th.merge_gap, text)
    merged += _merge_flags([f for f in flags if f.side == "source"],
                           th.merge_gap, source)
    return merged
