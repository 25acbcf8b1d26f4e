"""Word alignment between a text and its round trips, and the spans that fall out of it.

Alignment is deliberately simple and language-agnostic: words (or CJK characters) are
matched in order with difflib, and a word that stands anywhere unused in the other text
still counts as kept (reordered). Runs of words that are not kept become candidate spans.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from tqcheck.config import Profile
from tqcheck.types import Flag, TokenScores

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORD = re.compile(rf"\d+(?:[.,:]\d+)*|[{_CJK}]|[^\W{_CJK}]+(?:['’\-][^\W{_CJK}]+)*|[^\w\s]")

# Function words are never flagged on their own; spans need at least one content word.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        (
            "a an the of to in on at by for from with and or but as is are was were be been "
            "being it its this that these those he she they we you i his her their our your "
            "not no do does did has have had will would can could should may might must than "
            "then so if about into over after before while which who whom whose what when "
            "where there here also very just "
        ).split()
    ),
}


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int

    @property
    def norm(self) -> str:
        return self.text.lower()

    @property
    def is_punct(self) -> bool:
        return not any(c.isalnum() for c in self.text)


def words(text: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def is_content(word: Word, lang: str, min_chars: int = 2) -> bool:
    return (
        not word.is_punct
        and len(word.text) >= min_chars
        and word.norm not in STOPWORDS.get(lang, frozenset())
    ) or any(c.isdigit() for c in word.text)


@dataclass(frozen=True)
class Alignment:
    """How the words of `a` fare in `b`: kept in order, kept elsewhere, or not at all."""

    a: list[Word]
    b: list[Word]
    b_text: str
    in_order: list[bool]  # per word of a: matched by the in-order alignment
    kept: list[bool]  # per word of a: in order, or present unused elsewhere in b
    opcodes: list[tuple[str, int, int, int, int]]

    def counterpart(self, i: int, j: int) -> str:
        """The text of b that the alignment puts in place of a[i:j] (a suggestion).

        Equal blocks, and replace blocks of equal length, map word to word; other blocks
        map to their whole extent in b. Empty when a[i:j] is matched unchanged.
        """
        b_idx: list[int] = []
        if all(tag == "equal" for tag, a0, a1, _b0, _b1 in self.opcodes if a0 < j and i < a1):
            return ""
        for _tag, a0, a1, b0, b1 in self.opcodes:
            if b1 == b0 or not (a0 < j and i < max(a1, a0 + 1)):
                continue
            if a1 - a0 == b1 - b0:  # equal blocks, and replacements word for word
                b_idx += range(b0 + max(i, a0) - a0, b0 + min(j, a1) - a0)
            else:
                b_idx += range(b0, b1)
        if not b_idx:
            return ""
        return self.b_text[self.b[min(b_idx)].start:self.b[max(b_idx)].end]

    def moved(self) -> list[bool]:
        """Per word of a: inside a reordered stretch. A word kept out of order marks every
        word between its place in a and the place b puts it ("talks the" -> "the talks")."""
        out = [False] * len(self.a)
        landing: dict[str, list[int]] = {}
        for tag, a0, _a1, b0, b1 in self.opcodes:
            if tag in ("insert", "replace"):
                for k in range(b0, b1):
                    landing.setdefault(self.b[k].norm, []).append(a0)
        for i, word in enumerate(self.a):
            if self.kept[i] and not self.in_order[i] and landing.get(word.norm):
                to = min(landing[word.norm], key=lambda a0: abs(a0 - i))
                for k in range(min(to, i), max(to, i + 1)):
                    out[k] = True
        return out

    def replaced(self) -> list[bool]:
        """Per word of a: the alignment puts other words of b in its place (a rephrasing)."""
        out = [False] * len(self.a)
        for tag, a0, a1, _b0, _b1 in self.opcodes:
            if tag == "replace":
                for i in range(a0, a1):
                    out[i] = True
        return out


def align(a_text: str, b_text: str) -> Alignment:
    a, b = words(a_text), words(b_text)
    matcher = SequenceMatcher(None, [w.norm for w in a], [w.norm for w in b], autojunk=False)
    opcodes = matcher.get_opcodes()
    in_order = [False] * len(a)
    for tag, a0, a1, _b0, _b1 in opcodes:
        if tag == "equal":
            for i in range(a0, a1):
                in_order[i] = True
    # Words outside the in-order match may still appear elsewhere in b (moved).
    spare = Counter(w.norm for w in b)
    for i, ok in enumerate(in_order):
        if ok:
            spare[a[i].norm] -= 1
    kept = list(in_order)
    for i, ok in enumerate(in_order):
        if not ok and spare[a[i].norm] > 0:
            spare[a[i].norm] -= 1
            kept[i] = True
    return Alignment(a=a, b=b, b_text=b_text, in_order=in_order, kept=kept, opcodes=opcodes)


def runs(mask: Sequence[bool], bridge: Sequence[bool] | None = None) -> list[tuple[int, int]]:
    """Maximal [i, j) runs where mask is True; `bridge` words (punctuation, function words)
    between two runs join them, but never start or end one."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(mask)
    while i < n:
        if not mask[i]:
            i += 1
            continue
        j = i + 1
        while j < n:
            if mask[j]:
                j += 1
                continue
            k = j
            while k < n and bridge is not None and bridge[k] and not mask[k]:
                k += 1
            if k < n and mask[k] and k > j:
                j = k
                continue
            break
        out.append((i, j))
        i = j
    return out


def word_gaps(ws: Sequence[Word], scores: TokenScores | None) -> list[float]:
    """Per word, the largest token gap (log p(model's choice) - log p(token)) inside it."""
    gaps = [0.0] * len(ws)
    if scores is None:
        return gaps
    for (start, end), lp, best in zip(scores.offsets, scores.logprobs, scores.best_logprobs,
                                      strict=True):
        if end <= start:
            continue
        for i, w in enumerate(ws):
            if w.start < end and start < w.end:
                gaps[i] = max(gaps[i], best - lp)
    return gaps


# --- span extraction: alignments and token gaps -> flags ------------------------------------


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


def similar(a: str, b: str, ratio: float) -> bool:
    """Near-identical strings (case-insensitive character similarity at least `ratio`)."""
    return SequenceMatcher(None, a.lower(), b.lower(), autojunk=False).ratio() >= ratio


def _content_count(ws: Sequence[Word], lang: str, min_chars: int) -> int:
    return sum(is_content(w, lang, min_chars) for w in ws)


def roundtrip_flags(text: str, roundtrips: dict[str, str], gaps: list[float], lang: str,
                    profile: Profile) -> list[Flag]:
    """Target-only: words no round trip keeps are lossy; words every round trip moves, or
    that the reverse model finds far less likely than its own choice, are awkward."""
    if not roundtrips:
        return []
    min_chars = int(profile.span("min_chars"))
    major_words = int(profile.span("major_words"))
    aligns = {p: align(text, rt) for p, rt in roundtrips.items()}
    ws = next(iter(aligns.values())).a
    first = next(iter(aligns.values()))
    lost = [not any(al.kept[i] for al in aligns.values()) for i in range(len(ws))]
    rephrased = [any(col) for col in zip(*(al.replaced() for al in aligns.values()),
                                         strict=True)]
    moved = [all(col) for col in zip(*(al.moved() for al in aligns.values()), strict=True)]
    content = [is_content(w, lang, min_chars) for w in ws]
    bridge = [not c for c in content]
    awkward_gap, major_gap = profile.span("awkward_gap"), profile.span("major_gap")
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
    return _merge_flags(flags, int(profile.span("merge_gap")), text)


def source_flags(text: str, source: str, pseudo_reference: str, backtranslation: str,
                 gaps: list[float], lang: str, src_lang: str, profile: Profile,
                 source_gaps: list[float] | None = None) -> list[Flag]:
    """Source-aware: compare the MT with a translation of the source (additions,
    mistranslations, awkward wording) and the source with a back-translation (omissions).

    `gaps` are per-word forced-decoding gaps of the text given the source; `source_gaps`
    those of the source given the text (the reverse model): a source word the text does not
    explain is surprising there, which confirms an omission."""
    min_chars = int(profile.span("min_chars"))
    major_words = int(profile.span("major_words"))
    awkward_gap, major_gap = profile.span("awkward_gap"), profile.span("major_gap")
    flags: list[Flag] = []

    ref = align(text, pseudo_reference)
    ws = ref.a
    content = [is_content(w, lang, min_chars) for w in ws]
    bridge = [not c for c in content]
    unsupported = [not k and c for k, c in zip(ref.kept, content, strict=True)]
    lossy_gap = profile.span("lossy_gap")
    for i, j in runs(unsupported, bridge):
        # The pseudo-reference is one translation among many: a word it lacks is only flagged
        # when the model, made to emit the text given the source, also finds it unlikely.
        if gaps and max(gaps[i:j]) < lossy_gap:
            continue
        replacement = ref.counterpart(i, j)
        if replacement and similar(text[ws[i].start:ws[j - 1].end], replacement,
                                   profile.span("same_word_ratio")):
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
    if gaps:
        surprising = [g >= awkward_gap and c and k
                      for g, c, k in zip(gaps, content, ref.kept, strict=True)]
        for i, j in runs(surprising, bridge):
            worst = max(gaps[i:j])
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
    for i, j in runs([d and c for d, c in zip(deleted, s_content, strict=True)],
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
                          int(profile.span("merge_gap")), text)
    merged += _merge_flags([f for f in flags if f.side == "source"],
                           int(profile.span("merge_gap")), source)
    return merged
