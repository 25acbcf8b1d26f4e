"""Meaning-critical words: negation and names, compared between a translation, its source and
the source's translation into the target language (the pseudo-reference).

A lost "not" or a wrong name costs a newsroom more than any awkward phrase, and neither
shows in sentence metrics: one word of twenty changes a chrF by a few points, and a fluent
wrong sentence round-trips as well as a right one. So these words are compared one by one,
on the evidence that depends least on the models: the source itself where it writes the
word in the text's script (names) or where its language's negators are listed
(configs/languages.toml), the pseudo-reference otherwise. Numbers written with digits are
compared with the source in `rules/numbers.py`; numbers written as words, which a source in
a language without a number table hides, are compared here through the pseudo-reference.
Flags from here carry signals starting with `meaning:`; the risk counts them apart from
model flags (tqcheck.check.risk).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from tqcheck.check.align import Word, WordPool, align, words
from tqcheck.check.rules.language import LATIN, SCRIPTS
from tqcheck.check.rules.lexicon import capitalises_nouns, negation_regex, negators
from tqcheck.check.rules.numbers import numbers
from tqcheck.types import Flag

# What may stand before a sentence's first word: its capital says nothing there. (A word
# after a bracket or a dash keeps its capital for a reason: "(Reuters)", "— Kyiv".)
_OPENERS = frozenset(".!?:;\"“”‘'«»•*\n")
NEGATION = "meaning:negation"
NAME = "meaning:name"
NUMBER = "meaning:number"


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


def _script(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            return unicodedata.name(ch, "").split(" ", 1)[0]
    return ""


def _writes_in(lang: str) -> frozenset[str]:
    return SCRIPTS.get(lang, LATIN)


def names(text: str, lang: str) -> list[Word]:
    """Capitalised words inside a sentence: names, in a language that capitalises only names
    (none in German, where every noun has a capital, nor in a headline in capitals)."""
    if capitalises_nouns(lang):
        return []
    ws = [w for w in words(text) if w.text[:1].isalpha()]
    if len(ws) >= 4 and sum(w.text.isupper() and len(w.text) > 1 for w in ws) * 2 > len(ws):
        return []  # a headline in capitals: they mark no names (title case is compared
        # case-insensitively, so its capitals match the lower-case words of the other side)
    out = []
    for w in ws:
        if not (w.text[:1].isupper() and w.text[:1].isalpha() and len(w.text) > 1):
            continue
        i = w.start - 1
        while i >= 0 and text[i].isspace():
            i -= 1
        if i < 0 or text[i] in _OPENERS:
            continue  # sentence-initial: any word has a capital there
        out.append(w)
    return out


# Beyond this many names in one segment (a list, a hostile line), names are looked up
# exactly only: the spelling-variant comparison is the costly part.
MAX_FUZZY_NAMES = 200


def name_flags(text: str, source: str, lang: str, src_lang: str,
               pseudo_reference: str | None, ratio: float) -> list[Flag]:
    """Names in the text that neither the source nor a translation of it has, and names of the
    source the text drops.

    Compared only where the source writes names in the text's script (a Chinese source's
    names are transliterated, and no rule can check a transliteration). A text name that the
    source lacks while a source name is missing from the text is a changed name (Major; with
    only the source to go by, Minor: the name may be translated, "Allemagne" -> "Germany").
    A source name missing from the text that the pseudo-reference keeps is an omission."""
    t_names = names(text, lang)
    s_names = [n for n in names(source, src_lang) if _script(n.text) in _writes_in(lang)]
    if not s_names and not any(_script(n.text) in _writes_in(src_lang) for n in t_names):
        return []
    fuzzy = len(t_names) + len(s_names) <= MAX_FUZZY_NAMES
    in_source = WordPool([w.text for w in words(source)], ratio)
    in_text = WordPool([w.text for w in words(text)], ratio)
    in_ref = WordPool([w.text for w in words(pseudo_reference)] if pseudo_reference is not None
                      else [], ratio)
    missing = [n for n in s_names if not in_text.has(n.text, fuzzy)]
    flags: list[Flag] = []
    changed = False
    shown = list(dict.fromkeys(m.text for m in missing))
    instead = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
    for n in t_names:
        if not missing or in_source.has(n.text, fuzzy) or in_ref.has(n.text, fuzzy):
            continue
        changed = True
        flags.append(Flag(n.start, n.end, "Accuracy/Mistranslation",
                          "Major" if pseudo_reference is not None else "Minor",
                          f"name {n.text!r} is not in the source, which has {instead}",
                          suggestion=missing[0].text if len(missing) == 1 else None,
                          signal=NAME))
    if not changed and pseudo_reference is not None:
        for m in missing:
            if in_ref.has(m.text, fuzzy):
                flags.append(Flag(m.start, m.end, "Accuracy/Omission", "Major",
                                  f"name {m.text!r} is missing from the translation",
                                  side="source", signal=NAME))
    return flags


def number_word_flags(text: str, lang: str, pseudo_reference: str, source: str,
                      src_lang: str) -> list[Flag]:
    """A number in the text, written as words, that neither the source nor a translation of
    it has, beside a number of that translation that the text lacks ("four" for "three")."""
    ref_numbers = numbers(pseudo_reference, lang)
    in_ref = {n for n, _, _ in ref_numbers}
    in_src = {n for n, _, _ in numbers(source, src_lang)}
    in_text = numbers(text, lang)
    have = {n for n, _, _ in in_text}
    missing = [pseudo_reference[a:b] for n, a, b in ref_numbers if n not in have]
    if not missing:
        return []
    return [Flag(a, b, "Accuracy/Number", "Major",
                 f"number {text[a:b]!r} is in neither the source nor a translation of it, "
                 f"which has {', '.join(map(repr, dict.fromkeys(missing)))}",
                 suggestion=missing[0] if len(missing) == 1 else None, signal=NUMBER)
            for value, a, b in in_text
            if value not in in_ref and value not in in_src
            and not any(c.isdigit() for c in text[a:b])]  # digits: rules/numbers.py
