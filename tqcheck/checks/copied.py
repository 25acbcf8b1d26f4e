"""rules:copied: source words copied into the text untranslated, which a translation of the
source does not use either.

The pseudo-reference's words are what a translation would keep (shared names, loanwords), so
those are not flagged; nor are names (capitalised inside a sentence, where the language
capitalises only names), copied on purpose whatever the pseudo-reference makes of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.profile import Profile
from tqcheck.text.align import Word, WordPool, words
from tqcheck.text.names import names
from tqcheck.types import Flag

# Beyond this many copied words in one segment, spelling variants are not looked for: the
# comparison is the costly part, and such a segment is copied text anyway.
MAX_FUZZY_WORDS = 200


@register
class Copied(Check):
    name = "rules:copied"
    needs = frozenset({Need.SOURCE, Need.SOURCE_MODELS})
    category = "Accuracy/Untranslated text"
    description = "source words left untranslated that a translation of the source does not use"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        supported = {w.norm for w in words(ctx.given_models().pseudo_reference)}
        return untranslated_flags(ctx.text, ctx.given_source(), supported, self.env.profile,
                                  ctx.lang)


def untranslated_flags(target: str, source: str, supported: set[str],
                       profile: Profile, lang: str = "en") -> list[Flag]:
    """Target words copied from the source that a translation of the source does not use.

    `supported` holds the lower-cased words of the pseudo-reference (the source translated
    into the target language).
    """
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
