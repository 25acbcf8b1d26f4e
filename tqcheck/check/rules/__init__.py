"""Model-free checks: numbers, text left untranslated, repeated words."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from itertools import groupby, pairwise
from typing import Any

from tqcheck.check.spans import Word, similar, words
from tqcheck.config import Profile
from tqcheck.types import Flag

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９", "0123456789" * 3)


def normalise_number(raw: str) -> str:
    """`1,000` == `1000` == `1.000`; `3,5` == `3.5`: digits only, plus a decimal part."""
    raw = raw.translate(_DIGITS)
    parts = re.split(r"[.,]", raw)
    if len(parts) > 1 and len(parts[-1]) != 3:  # a decimal separator, not thousands
        return "".join(parts[:-1]).lstrip("0") + "." + parts[-1]
    return "".join(parts).lstrip("0") or "0"


_EN_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())} | {
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
    "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1000000",
    "billion": "1000000000", "dozen": "12"}
_CJK_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000, "亿": 100000000}
_CJK_NUMBER = re.compile("[零一二两三四五六七八九十百千万亿]+")
_EN_WORD = re.compile(r"\b(" + "|".join(_EN_NUMBERS) + r")\b", re.IGNORECASE)


def _cjk_value(raw: str) -> int:
    """Simple Chinese numerals: 六 -> 6, 十五 -> 15, 三百二十 -> 320, 两千 -> 2000."""
    total, current = 0, 0
    for ch in raw:
        if ch in _CJK_DIGITS:
            current = current * 10 + _CJK_DIGITS[ch] if current else _CJK_DIGITS[ch]
        else:
            unit = _CJK_UNITS[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def numbers(text: str) -> list[tuple[str, int, int]]:
    """Digits (any script), English number words and Chinese numerals, normalised."""
    text = text.translate(_DIGITS)
    found = [(normalise_number(m.group()), m.start(), m.end()) for m in _NUMBER.finditer(text)]
    found += [(_EN_NUMBERS[m.group().lower()], m.start(), m.end())
              for m in _EN_WORD.finditer(text)]
    for m in _CJK_NUMBER.finditer(text):
        if m.group() not in ("一",):  # 一 is mostly the article "a"/"one" in running text
            found.append((str(_cjk_value(m.group())), m.start(), m.end()))
    return sorted(found, key=lambda n: n[1])


def number_flags(target: str, source: str) -> list[Flag]:
    """Numbers in the target that the source lacks, and source numbers the target lacks."""
    t_nums, s_nums = numbers(target), numbers(source)
    flags: list[Flag] = []
    s_left = Counter(n for n, _, _ in s_nums)
    for n, start, end in t_nums:
        if s_left[n] > 0:
            s_left[n] -= 1
        elif any(c.isdigit() for c in target[start:end]):
            flags.append(Flag(start, end, "Accuracy/Number", "Major",
                              f"number {target[start:end]} does not appear in the source",
                              signal="rules"))
    t_left = Counter(n for n, _, _ in t_nums)
    for n, start, end in s_nums:
        if t_left[n] > 0:
            t_left[n] -= 1
        elif any(c.isdigit() for c in source[start:end]):
            flags.append(Flag(start, end, "Accuracy/Number", "Major",
                              f"source number {source[start:end]} is missing from the "
                              "translation", side="source", signal="rules"))
    return flags


def repetition_flags(target: str) -> list[Flag]:
    """The same word twice in a row ("the the"): almost always a fluency error."""
    ws = [w for w in words(target) if not w.is_punct]
    flags = []
    for prev, cur in pairwise(ws):
        between = target[prev.end:cur.start]
        if cur.norm == prev.norm and not cur.text.isdigit() and between.isspace():
            flags.append(Flag(prev.start, cur.end, "Fluency/Repetition", "Minor",
                              f"repeated word {cur.text!r}", suggestion=prev.text,
                              signal="rules"))
    return flags


def untranslated_flags(target: str, source: str, supported: set[str],
                       profile: Profile) -> list[Flag]:
    """Target words copied from the source that a translation of the source does not use.

    `supported` holds the lower-cased words of the pseudo-reference (the source translated
    into the target language): shared names and loanwords appear there and are not flagged.
    """
    min_chars = int(profile.rule("untranslated_min_chars"))
    ratio = profile.span("same_word_ratio")
    src_words = {w.norm for w in words(source)}
    copied: list[Word] = [
        w for w in words(target)
        if w.norm in src_words and w.norm not in supported and len(w.text) >= min_chars
        and not any(c.isdigit() for c in w.text)
        # a name the pseudo-reference spells slightly differently is still a name
        and not any(similar(w.norm, s, ratio) for s in supported)
    ]
    flags: list[Flag] = []
    for w in copied:
        if flags and target[flags[-1].end:w.start].strip() == "":
            last = flags.pop()
            w = Word(target[last.start:w.end], last.start, w.end)
        n = len(w.text.split())
        flags.append(Flag(w.start, w.end, "Accuracy/Untranslated text",
                          "Major" if n >= 2 else "Minor",
                          f"{w.text!r} is copied from the source, not translated",
                          signal="rules"))
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


def wrong_language_flag(target: str, lang: str, profile: Profile) -> Flag | None:
    """The whole segment is confidently in another language than the target's."""
    if len(target) < profile.rule("language_id_min_chars"):
        return None
    candidates = (lang, *profile.rules.get("language_id_languages", []))
    if len(set(candidates)) < 2:
        return None
    found = language_of(target, tuple(candidates))
    if found is None:
        return None
    code, confidence = found
    if code == lang or confidence < profile.rule("language_id_confidence"):
        return None
    return Flag(0, len(target), "Accuracy/Untranslated text", "Major",
                f"segment looks like {code} (confidence {confidence:.2f}), not {lang}",
                signal="rules")


# --- checks that need neither a model nor a source ---------------------------------------

SCRIPTS: dict[str, frozenset[str]] = {
    "zh": frozenset({"CJK"}), "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "CJK"}), "ru": frozenset({"CYRILLIC"}),
    "uk": frozenset({"CYRILLIC"}), "ar": frozenset({"ARABIC"}), "he": frozenset({"HEBREW"}),
}
_LATIN = frozenset({"LATIN"})
_FULLWIDTH_PUNCT = "，。！？：；“”‘’（）【】、《》"


def _script(ch: str) -> str:
    import unicodedata

    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def foreign_script_flags(target: str, lang: str) -> list[Flag]:
    """Letters of a script the target language does not use (e.g. Chinese left in English).

    Runs of such letters separated by single spaces make one flag."""
    expected = SCRIPTS.get(lang, _LATIN)
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
                              signal="rules"))
        pos = end
    return flags


def punctuation_flags(target: str, lang: str) -> list[Flag]:
    """Punctuation of another writing system, stray spaces, unbalanced brackets."""
    flags: list[Flag] = []
    if SCRIPTS.get(lang, _LATIN) == _LATIN:
        for m in re.finditer(f"[{_FULLWIDTH_PUNCT}]", target):
            flags.append(Flag(m.start(), m.end(), "Fluency/Punctuation", "Minor",
                              f"full-width punctuation {m.group()!r} in {lang} text",
                              signal="rules"))
        for m in re.finditer(r"(?<=\w) +(?=[,.;:!?](?:\s|$))", target):
            flags.append(Flag(m.start(), m.end() + 1, "Fluency/Punctuation", "Minor",
                              "space before punctuation", signal="rules"))
    for m in re.finditer(r"([,;:])\1+|\.{2}(?!\.)", target):
        flags.append(Flag(m.start(), m.end(), "Fluency/Punctuation", "Minor",
                          "doubled punctuation", signal="rules"))
    for open_, close in ("()", "[]"):
        if target.count(open_) != target.count(close):
            at = target.find(open_) if target.count(open_) > target.count(close) else \
                target.find(close)
            flags.append(Flag(at, at + 1, "Fluency/Punctuation", "Minor",
                              f"unbalanced {open_}{close}", signal="rules"))
    return flags


_HARPER_CATEGORY = {
    "Spelling": "Fluency/Spelling", "Typo": "Fluency/Spelling",
    "Agreement": "Fluency/Grammar", "Grammar": "Fluency/Grammar",
    "BoundaryError": "Fluency/Grammar", "Usage": "Fluency/Grammar",
    "Nonstandard": "Fluency/Grammar", "Malapropism": "Fluency/Grammar",
    "Eggcorn": "Fluency/Grammar", "Punctuation": "Fluency/Punctuation",
    "Capitalization": "Fluency/Punctuation", "Formatting": "Fluency/Punctuation",
    "WordChoice": "Style/Awkward", "Enhancement": "Style/Awkward",
    "Redundancy": "Style/Awkward", "Readability": "Style/Awkward", "Style": "Style/Awkward",
}


@cache
def _linter() -> Any:
    import harper

    return harper.Linter()


def grammar_flags(target: str, lang: str, kinds: frozenset[str] | None = None) -> list[Flag]:
    """English grammar, spelling and word-choice lints from Harper (offline, rule-based).

    `kinds` limits the Harper lint kinds used (profile `rules.grammar_kinds`).
    """
    if lang != "en":
        return []
    flags = []
    for lint in _linter().lint(target):
        category = _HARPER_CATEGORY.get(lint.lint_kind)
        if category is None or (kinds is not None and lint.lint_kind not in kinds):
            continue
        suggestion = next((s.replacement_text for s in lint.suggestions
                           if s.replacement_text), None)
        flags.append(Flag(lint.span.start, lint.span.end, category, "Minor",
                          f"{lint.lint_kind_pretty}: {lint.message}", suggestion=suggestion,
                          signal="grammar"))
    return flags
