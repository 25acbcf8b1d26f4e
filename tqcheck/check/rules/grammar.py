"""English grammar and spelling lints from Harper (offline, rule-based), set up through
Harper's own options: the dialect, the rules switched off, the user's words, plain text.

Spelling lints are where checkers cry wolf on news text: names of people, places and
agencies, rare words Harper's curated dictionary lacks, and the other variety's spelling.
So a spelling lint is dropped when its word is a name (capitalised inside a sentence, an
acronym, or capitalised inside a sentence elsewhere in the same document), occurs in the
source capitalised (a name carried over), is a word English uses (at least `known_zipf` in
wordfreq's English frequencies: "electron", "obsidian", "Peskov"), or is accepted by
either dialect when no dialect is chosen (`dialect = "any"`). A lower-case unknown word
that the source has is reported as untranslated text, not as a misspelling. Machine
translation makes few typos: what is left is mostly garbled or copied words, which is
what the rule is for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from tqcheck.errors import ConfigError
from tqcheck.types import Flag

_HARPER_CATEGORY = {
    "Spelling": "Fluency/Spelling", "Typo": "Fluency/Spelling",
    "Agreement": "Fluency/Grammar", "Grammar": "Fluency/Grammar",
    "BoundaryError": "Fluency/Grammar", "Usage": "Fluency/Grammar",
    "Nonstandard": "Fluency/Grammar", "Malapropism": "Fluency/Grammar",
    "Eggcorn": "Fluency/Grammar", "Repetition": "Fluency/Repetition",
    "Miscellaneous": "Fluency/Grammar", "Punctuation": "Fluency/Punctuation",
    "Capitalization": "Fluency/Punctuation", "Formatting": "Fluency/Punctuation",
    "WordChoice": "Style/Awkward", "Enhancement": "Style/Awkward",
    "Redundancy": "Style/Awkward", "Readability": "Style/Awkward", "Style": "Style/Awkward",
}
SPELLING_KINDS = frozenset({"Spelling", "Typo"})
DIALECTS = ("any", "us", "gb", "au", "ca", "in")  # "any": American and British both accepted
_HARPER_DIALECT = {"us": "AMERICAN", "gb": "BRITISH", "au": "AUSTRALIAN", "ca": "CANADIAN",
                   "in": "INDIAN"}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True)
class GrammarSetup:
    """What Harper is asked to do (from the profile and the command line)."""

    dialect: str  # one of DIALECTS
    kinds: frozenset[str]  # Harper lint kinds used; others are dropped
    off: frozenset[str]  # Harper rules switched off (Harper's own configuration)
    known_zipf: float  # a word at least this frequent in English (wordfreq) is no misspelling
    words: tuple[str, ...] = ()  # the user's dictionary, added to Harper's


def check_dialect(dialect: str) -> str:
    if dialect not in DIALECTS:
        raise ConfigError(f"unknown dialect {dialect!r}; use one of {', '.join(DIALECTS)}")
    return dialect


@cache
def _linter(dialect: str, off: frozenset[str], words: tuple[str, ...]) -> Any:
    import harper

    linter = harper.Linter(getattr(harper.Dialect, _HARPER_DIALECT[dialect]))
    known = linter.get_default_lint_config()
    unknown = sorted(off - set(known))
    if unknown:
        raise ConfigError(f"grammar_off names rules Harper does not have: {', '.join(unknown)}")
    linter.set_lint_config({rule: False for rule in off})
    if words:
        linter.import_words(list(words))
    return linter


def document_names(texts: Iterable[str]) -> frozenset[str]:
    """Lower-cased words written capitalised inside a sentence somewhere in `texts`: the
    names of a document, also where one starts a sentence."""
    names = set()
    for text in texts:
        for m in _WORD.finditer(text):
            word = m.group()
            if word[0].isupper() and not _sentence_start(text, m.start()):
                names.add(word.lower())
    return frozenset(names)


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t\"'“‘«(—–-")
    return not before or before[-1] in ".!?:;…"


def _disposition(word: str, text: str, start: int, names: frozenset[str],
                 source_words: frozenset[str], known_zipf: float) -> str:
    """What a word Harper does not know is: "name", "word" (English uses it), "copied"
    (a lower-case word of the source: untranslated) or "misspelt"."""
    if any(c.isdigit() for c in word) or sum(c.isupper() for c in word) > 1:
        return "name"  # acronyms, codes, CamelCase brands
    if word[:1].isupper() and (not _sentence_start(text, start) or word.lower() in names
                               or word.lower() in source_words):
        return "name"
    from wordfreq import zipf_frequency

    if zipf_frequency(word, "en") >= known_zipf:
        return "word"
    return "copied" if word.lower() in source_words else "misspelt"


def grammar_flags(target: str, lang: str, setup: GrammarSetup,
                  names: frozenset[str] = frozenset(), source: str | None = None
                  ) -> list[Flag]:
    """Harper's lints of an English `target` as flags (none for other languages)."""
    if lang != "en":
        return []
    # "any": a spelling is wrong only if American and British English both say so. A chosen
    # dialect: a spelling that only the other variety accepts is reported as such.
    other = {"any": "gb", "gb": "us"}.get(setup.dialect, "gb")
    first = "us" if setup.dialect == "any" else setup.dialect
    found, alt = (_lints(target, d, setup) for d in (first, other))
    alt_spelling = {(lint.span.start, lint.span.end) for _, lint in alt
                    if lint.lint_kind == "Spelling"}
    source_words = frozenset(w.lower() for w in _WORD.findall(source or ""))
    flags = []
    for rule, lint in found:
        kind, start, end = lint.lint_kind, lint.span.start, lint.span.end
        category = _HARPER_CATEGORY.get(kind)
        if category is None or kind not in setup.kinds:
            continue
        variant = kind == "Spelling" and (start, end) not in alt_spelling
        if setup.dialect == "any" and variant:
            continue
        if kind in SPELLING_KINDS and not variant:
            word = target[start:end]
            found_as = _disposition(word, target, start, names, source_words,
                                    setup.known_zipf)
            if found_as == "copied":
                flags.append(Flag(start, end, "Accuracy/Untranslated text", "Minor",
                                  f"{word!r} is not English but a word of the source: "
                                  "left untranslated", signal="grammar:copied"))
            if found_as != "misspelt":
                continue
        suggestion = next((s.replacement_text for s in lint.suggestions
                           if s.replacement_text), None)
        message = (f"spelling of another variety of English (dialect {setup.dialect})"
                   if setup.dialect != "any" and variant
                   else f"{lint.lint_kind_pretty}: {lint.message}")
        flags.append(Flag(start, end, category, "Minor", message, suggestion=suggestion,
                          signal=f"grammar:{rule}"))
    return flags


def _lints(text: str, dialect: str, setup: GrammarSetup) -> list[tuple[str, Any]]:
    """Harper's lints of `text` in `dialect`, each with its rule's name, in text order."""
    by_rule = _linter(dialect, setup.off, setup.words).organized_lints(text,
                                                                       language="plaintext")
    return sorted(((rule, lint) for rule, lints in by_rule.items() for lint in lints),
                  key=lambda x: (x[1].span.start, x[1].span.end))
