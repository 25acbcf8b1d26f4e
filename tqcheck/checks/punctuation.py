"""rules:punctuation: marks of another writing system, stray spaces, doubled marks,
unbalanced brackets (Fluency/Punctuation)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.text.lexicon import latin_only, spaced_punctuation, spaces_words
from tqcheck.types import Flag


@register
class Punctuation(Check):
    name = "rules:punctuation"
    category = "Fluency/Punctuation"
    description = ("full-width marks in Latin text, a space before punctuation or none "
                   "after it, doubled marks, unbalanced brackets")

    def off_because(self) -> str | None:
        return None if self.env.profile.rules.punctuation else "profile: punctuation = false"

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        return punctuation_flags(ctx.text, ctx.lang)


def _full_width(ch: str) -> bool:
    """A punctuation mark of East Asian width Full or Wide (，。！？： …); curly quotes and
    apostrophes are Ambiguous, normal English typography."""
    return unicodedata.category(ch).startswith("P") and unicodedata.east_asian_width(ch) in (
        "F", "W")


# A sentence run into the next ("Brand.Einige", "победой!Их", "medidas.O ministro"): a
# lower-case word, its final mark, then a capitalised word, with no space. Lower case before
# and a capital and a lower-case letter after (or a capital alone, a word of one letter,
# after three lower-case letters) spare abbreviations ("U.S.A.", "z.B.", "Nr.A"), domains
# ("Bild.de") and names written with a point ("ASP.NET").
_GLUED_SENTENCE = re.compile(
    r"\b[^\W\d_]*[^\W\d_]{2}[.!?](?:[^\W\d_]{2}[^\W\d_]*|[^\W\d_](?![\w.]))")
# A comma run into the word after it ("Oleña,Rafinha", "loi ,malgré"); after a digit it is
# a decimal comma or a list of numbers.
_GLUED_COMMA = re.compile(r"(?:\b[^\W\d_]+|\s)(,)([^\W\d_]+)")


def _glued_at(word: str) -> int | None:
    """Where `word`'s one sentence mark runs two sentences together, else None."""
    marks = [i for i, ch in enumerate(word) if ch in ".!?"]
    if len(marks) != 1:
        return None
    at = marks[0]
    if len(word) == at + 2:  # a one-letter word after the mark ("medidas.O")
        glued = at >= 3 and word[at - 3:at].islower() and word[at + 1].isupper()
    else:
        glued = word[at - 2:at].islower() and word[at + 1].isupper() and word[at + 2].islower()
    return at if glued else None


def punctuation_flags(target: str, lang: str) -> list[Flag]:
    """Punctuation of another writing system, stray or missing spaces, unbalanced
    brackets."""
    flags: list[Flag] = []
    if latin_only(lang):
        for i, ch in enumerate(target):
            if not ch.isascii() and _full_width(ch):
                flags.append(Flag(i, i + 1, "Fluency/Punctuation", "Minor",
                                  f"full-width punctuation {ch!r} in {lang} text",
                                  signal="rules:full-width"))
    if spaces_words(lang):
        marks = ",." if spaced_punctuation(lang) else ",.;:!?"
        # (Not the dots of a spaced ellipsis, "Lassen . . . .", which some sources carry.)
        for m in re.finditer(rf"(?<=\w) +(?=[{marks}](?:\s|$))(?!\.\s+\.)", target):
            flags.append(Flag(m.start(), m.end() + 1, "Fluency/Punctuation", "Minor",
                              "space before punctuation", signal="rules:space-before"))
        for m in _GLUED_SENTENCE.finditer(target):
            found = _glued_at(m.group())
            if found is not None:
                at = m.start() + found
                flags.append(Flag(m.start(), m.end(), "Fluency/Punctuation", "Minor",
                                  "no space after the end of a sentence",
                                  f"{target[m.start():at + 1]} {target[at + 1:m.end()]}",
                                  signal="rules:space-after"))
        for m in _GLUED_COMMA.finditer(target):
            start = m.start()
            flags.append(Flag(start, m.end(), "Fluency/Punctuation", "Minor",
                              "no space after a comma",
                              f"{target[start:m.start(1)].rstrip()}, {m.group(2)}",
                              signal="rules:space-after"))
    # Doubled commas, semicolons, colons. Not "..": an abbreviation's dot before the full
    # stop ("etc..") is common and annotators pass it over (no hit on TED zh-en or en-de).
    for m in re.finditer(r"([,;:])\1+", target):
        flags.append(Flag(m.start(), m.end(), "Fluency/Punctuation", "Minor",
                          "doubled punctuation", signal="rules:doubled"))
    for open_, close in ("()", "[]"):
        if target.count(open_) != target.count(close):
            at = target.find(open_) if target.count(open_) > target.count(close) else \
                target.find(close)
            flags.append(Flag(at, at + 1, "Fluency/Punctuation", "Minor",
                              f"unbalanced {open_}{close}", signal="rules:brackets"))
    return flags
