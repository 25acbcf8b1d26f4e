"""Is the text in the target language? Source words copied untranslated, whole segments in
another language (lingua), letters of a script the target language does not use."""

from __future__ import annotations

import unicodedata
from functools import cache
from itertools import groupby
from typing import Any

from tqcheck.check.align import Word, WordPool, words
from tqcheck.check.profile import Profile, RuleSettings
from tqcheck.types import Flag

# Beyond this many copied words in one segment, spelling variants are not looked for: the
# comparison is the costly part, and such a segment is copied text anyway.
MAX_FUZZY_WORDS = 200


def untranslated_flags(target: str, source: str, supported: set[str],
                       profile: Profile, lang: str = "en") -> list[Flag]:
    """Target words copied from the source that a translation of the source does not use.

    `supported` holds the lower-cased words of the pseudo-reference (the source translated
    into the target language): shared names and loanwords appear there and are not flagged.
    Names (capitalised inside a sentence, where `lang` capitalises only names) are copied
    on purpose, whatever the pseudo-reference makes of them.
    """
    from tqcheck.check.meaning import names

    min_chars = profile.rules.untranslated_min_chars
    ratio = profile.spans.same_word_ratio
    src_words = {w.norm for w in words(source)}
    kept_names = {w.start for w in names(target, lang)}
    copied: list[Word] = [
        w for w in words(target)
        if w.norm in src_words and w.norm not in supported and len(w.text) >= min_chars
        and w.start not in kept_names
        and not any(c.isdigit() for c in w.text)
    ]
    if len(copied) <= MAX_FUZZY_WORDS:  # (a hostile line: exact comparison only)
        # a name the pseudo-reference spells slightly differently is still a name
        known = WordPool(sorted(supported), ratio)
        copied = [w for w in copied if not known.has(w.norm)]
    flags: list[Flag] = []
    for w in copied:
        if flags and target[flags[-1].end:w.start].strip() == "":
            last = flags.pop()
            w = Word(target[last.start:w.end], last.start, w.end)
        n = len(w.text.split())
        flags.append(Flag(w.start, w.end, "Accuracy/Untranslated text",
                          "Major" if n >= profile.spans.major_words else "Minor",
                          f"{w.text!r} is copied from the source, not translated",
                          signal="rules:copied"))
    return flags


@cache
def _detector(codes: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, c.upper()) for c in codes if hasattr(IsoCode639_1, c.upper())]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).build()


def language_of(text: str, candidates: tuple[str, ...]) -> tuple[str, float] | None:
    """(ISO 639-1 code, confidence) of the most likely of `candidates`, by lingua."""
    values = _detector(tuple(sorted(set(candidates)))).compute_language_confidence_values(text)
    if not values:
        return None
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), float(top.value)


def wrong_language_flag(target: str, lang: str, rules: RuleSettings) -> Flag | None:
    """The whole segment is confidently in another language than the target's."""
    if len(target) < rules.language_id_min_chars:
        return None
    candidates = (lang, *rules.language_id_languages)
    if len(set(candidates)) < 2:
        return None
    found = language_of(target, tuple(candidates))
    if found is None:
        return None
    code, confidence = found
    if code == lang or confidence < rules.language_id_confidence:
        return None
    return Flag(0, len(target), "Accuracy/Untranslated text", "Major",
                f"segment looks like {code} (confidence {confidence:.2f}), not {lang}",
                signal="rules:language-id")


SCRIPTS: dict[str, frozenset[str]] = {
    "zh": frozenset({"CJK"}), "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "CJK"}), "ru": frozenset({"CYRILLIC"}),
    "uk": frozenset({"CYRILLIC"}), "ar": frozenset({"ARABIC"}), "he": frozenset({"HEBREW"}),
}
LATIN = frozenset({"LATIN"})  # any language not in SCRIPTS


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def foreign_script_flags(target: str, lang: str) -> list[Flag]:
    """Letters of a script the target language does not use (e.g. Chinese left in English).

    Runs of such letters separated by single spaces make one flag."""
    expected = SCRIPTS.get(lang, LATIN)
    foreign = [ch.isalpha() and _script(ch) not in expected for ch in target]
    mask = [f or (0 < i < len(target) - 1 and target[i].isspace() and foreign[i - 1]
                  and foreign[i + 1]) for i, f in enumerate(foreign)]
    flags: list[Flag] = []
    pos = 0
    for is_foreign, group in groupby(mask):
        end = pos + len(list(group))
        if is_foreign:
            flags.append(Flag(pos, end, "Accuracy/Untranslated text", "Major",
                              f"{target[pos:end]!r} is not in the target language's script",
                              signal="rules:script"))
        pos = end
    return flags
