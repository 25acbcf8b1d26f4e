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
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
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
        self._prepared: dict[tuple[int, str], tuple[list[Lint], list[Lint]]] = {}

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

    def prepare(self, contexts: Sequence[SegmentContext]) -> None:
        """Lint the batch in two Harper calls instead of one or two per segment."""
        texts = [c.text for c in contexts]
        first, other = dialects(self.setup)
        found = batch_lints(texts, first, self.setup)
        asked = [k for k, lints in enumerate(found) if needs_other(lints)]
        alt = dict(zip(asked, batch_lints([texts[k] for k in asked], other, self.setup),
                       strict=True))
        self._prepared = {(c.segment.id, c.text): (found[k], alt.get(k, []))
                          for k, c in enumerate(contexts)}

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        lints = self._prepared.pop((ctx.segment.id, ctx.text), None)
        return grammar_flags(ctx.text, ctx.lang, self.setup, ctx.document.names, ctx.source,
                             lints)


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


def dialects(setup: GrammarSetup) -> tuple[str, str]:
    """The variety linted first, and the other one asked about its spellings. "any": a
    spelling is wrong only if American and British English both say so; a chosen dialect:
    a spelling only the other variety accepts is reported as such."""
    return ("us" if setup.dialect == "any" else setup.dialect,
            {"any": "gb", "gb": "us"}.get(setup.dialect, "gb"))


def needs_other(found: Sequence[Lint]) -> bool:
    """The other variety is asked only when the first questions a spelling (most segments
    have none: half of Harper's time saved, the flags unchanged)."""
    return any(lint.kind == "Spelling" for lint in found)


def grammar_flags(target: str, lang: str, setup: GrammarSetup,
                  names: frozenset[str] = frozenset(), source: str | None = None,
                  lints: tuple[list[Lint], list[Lint]] | None = None) -> list[Flag]:
    """Harper's lints of an English `target` as flags (none for other languages); `lints`:
    the two varieties' lints when already made (Harper.prepare lints a batch at once)."""
    if lang != "en":
        return []
    first, other = dialects(setup)
    if lints is None:
        found = _lints(target, first, setup)
        alt = _lints(target, other, setup) if needs_other(found) else []
    else:
        found, alt = lints
    alt_spelling = {(lint.start, lint.end) for lint in alt if lint.kind == "Spelling"}
    source_words = frozenset(w.lower() for w in letter_words(source or ""))
    flags = []
    for lint in found:
        rule, kind, start, end = lint.rule, lint.kind, lint.start, lint.end
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
        message = (f"spelling of another variety of English (dialect {setup.dialect})"
                   if setup.dialect != "any" and variant
                   else f"{lint.pretty}: {lint.message}")
        flags.append(Flag(start, end, category, "Minor", message, suggestion=lint.suggestion,
                          signal=f"grammar:{rule}"))
    return flags


@dataclass(frozen=True)
class Lint:
    """One of Harper's lints, as tqcheck uses it (at offsets into one segment)."""

    rule: str
    kind: str
    pretty: str  # the kind as Harper names it to people
    message: str
    start: int
    end: int
    suggestion: str | None


def _lints(text: str, dialect: str, setup: GrammarSetup) -> list[Lint]:
    """Harper's lints of `text` in `dialect`, each with its rule's name, in text order."""
    by_rule = _linter(dialect, setup.off, setup.words).organized_lints(text,
                                                                       language="plaintext")
    out = [Lint(rule, lint.lint_kind, lint.lint_kind_pretty, lint.message, lint.span.start,
                lint.span.end, next((s.replacement_text for s in lint.suggestions
                                     if s.replacement_text), None))
           for rule, lints in by_rule.items() for lint in lints]
    return sorted(out, key=lambda x: (x.start, x.end))


BATCH_SEPARATOR = "\n\n"  # texts linted together are paragraphs apart: no rule joins them


BATCH_TEXTS = 50  # texts per Harper call: one call costs about as much for one sentence as
# for fifty (measured: 600 news sentences, 10.3 s one by one, 0.9 s in calls of 50, 4.4 s in
# one call: longer documents cost Harper more than their length)


def batch_lints(texts: Sequence[str], dialect: str, setup: GrammarSetup) -> list[list[Lint]]:
    """The lints of each of `texts` from a few Harper calls over BATCH_TEXTS of them at a
    time; a lint across two texts is none of theirs."""
    return [lints for lo in range(0, len(texts), BATCH_TEXTS)
            for lints in _batch(texts[lo:lo + BATCH_TEXTS], dialect, setup)]


def _batch(texts: Sequence[str], dialect: str, setup: GrammarSetup) -> list[list[Lint]]:
    starts, pos = [], 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + len(BATCH_SEPARATOR)
    out: list[list[Lint]] = [[] for _ in texts]
    for lint in _lints(BATCH_SEPARATOR.join(texts), dialect, setup):
        k = bisect_right(starts, lint.start) - 1
        if k >= 0 and lint.end <= starts[k] + len(texts[k]):
            out[k].append(replace(lint, start=lint.start - starts[k],
                                  end=lint.end - starts[k]))
    return out
