"""grammar:harper: English grammar and spelling lints from Harper (offline, rule-based), set
up through Harper's own options: the dialect, the rules switched off, the user's words,
plain text.

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

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.errors import ConfigError
from tqcheck.text.names import letter_words, sentence_start
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
_HARPER_DIALECT = {"us": "AMERICAN", "gb": "BRITISH", "au": "AUSTRALIAN", "ca": "CANADIAN",
                   "in": "INDIAN"}


@dataclass(frozen=True)
class GrammarSetup:
    """What Harper is asked to do (from the profile and the command line)."""

    dialect: str  # one of tqcheck.check.environment.DIALECTS
    kinds: frozenset[str]  # Harper lint kinds used; others are dropped
    off: frozenset[str]  # Harper rules switched off (Harper's own configuration)
    known_zipf: float  # a word at least this frequent in English (wordfreq) is no misspelling
    words: tuple[str, ...] = ()  # the user's dictionary, added to Harper's


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


@register
class Harper(Check):
    name = "grammar:harper"
    languages = frozenset({"en"})
    needs = frozenset({Need.DOCUMENT})
    resources = ("harper-py", "wordfreq")
    category = "Fluency/Grammar"
    description = ("Harper's grammar and spelling lints (profile: grammar_kinds, "
                   "grammar_off), sparing names, source words and words English uses")

    def __init__(self, env: CheckEnv) -> None:
        super().__init__(env)
        rules = env.profile.rules
        self.setup = GrammarSetup(env.dialect, frozenset(rules.grammar_kinds),
                                  frozenset(rules.grammar_off), rules.spelling_known_zipf,
                                  env.words)

    @classmethod
    def unavailable(cls) -> str | None:
        from importlib.util import find_spec

        missing = [p for p, m in (("harper-py", "harper"), ("wordfreq", "wordfreq"))
                   if find_spec(m) is None]
        return f"pip install {' '.join(missing)}" if missing else None

    def off_because(self) -> str | None:
        return None if self.env.profile.rules.grammar else "profile: grammar = false"

    def signature(self) -> dict[str, str]:
        from importlib.metadata import version

        out = {"grammar": f"harper@{version('harper-py')}+wordfreq@{version('wordfreq')}",
               "dialect": self.setup.dialect}
        if self.setup.words:
            words = "\n".join(self.setup.words).encode()
            out["dict"] = f"sha256:{hashlib.sha256(words).hexdigest()[:12]}"
        return out

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return grammar_flags(ctx.text, ctx.lang, self.setup, ctx.document.names, ctx.source)


def _disposition(word: str, text: str, start: int, names: frozenset[str],
                 source_words: frozenset[str], known_zipf: float) -> str:
    """What a word Harper does not know is: "name", "word" (English uses it), "copied"
    (a lower-case word of the source: untranslated) or "misspelt"."""
    if any(c.isdigit() for c in word) or sum(c.isupper() for c in word) > 1:
        return "name"  # acronyms, codes, CamelCase brands
    if word[:1].isupper() and (not sentence_start(text, start) or word.lower() in names
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
    source_words = frozenset(w.lower() for w in letter_words(source or ""))
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
