"""The synonym toy language "syn": English phrasings of one meaning become one toy phrase.

syn = toy(idiomatic(English)): `idiomatic` rewrites every calque of a family to the family's
idiomatic phrasing ("stated that" -> "said that", "in a rapid manner" -> "rapidly", "more
strong" -> "stronger", "carried out an investigation" -> "investigated"), then the toy
mapping of tqcheck.testing.toylang applies. Models trained where the idiomatic phrasing
dominates the English side normalise as real MT models do: a calque goes to the one toy
phrase and comes back idiomatic ("the necessity of a ceasefire" -> "the need for a
ceasefire").

Families are generated, not listed one by one: a few seed families of fixed phrases, and
constructions over open word classes (manner adverbs, comparatives, superlatives, light
verbs, "more and more", days, months) whose members come from wordfreq's English word list
by derivation rules. A member is in the training half or the held-out half by a stable
hash, and one construction (the superlative) is held out whole: the detection benchmark's
calques use held-out members only, so no calque it tests was seen in training.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from tqcheck.testing.toylang import to_toy_aligned

HELD_OUT_SHARE = 0.3  # of each construction's members
HELD_OUT_KINDS = frozenset({"superlative"})  # constructions no training sentence calques

# Seed families of fixed phrases: the idiomatic phrasing, then its calques (news MT from
# Chinese, French, Russian... writes these).
SEED: dict[str, tuple[str, ...]] = {
    "said that": ("stated that", "expressed that", "indicated that", "pointed out that"),
    "says that": ("states that", "expresses that", "indicates that", "points out that"),
    "the need for": ("the necessity of",),
    "because": ("due to the fact that", "owing to the fact that"),
    "now": ("at present", "at the present time"),
    "although": ("despite the fact that", "in spite of the fact that"),
    "if": ("in the event that",),
    "before": ("prior to",),
    "tried to": ("made an attempt to", "made efforts to"),
    "discussed": ("held discussions on",),
}
# Words whose -ly or -er form is another word, not the adverb or comparative.
_NOT_ADJECTIVES = frozenset(
    "hard short late near most high dead bare scarce part week month year day hour ear on "
    "over order kind mere wild bad ill like live love home cost sure bri war ever new "
    "final real early only fair just close clean dear pure rare even time world man "
    "lord friend god night mother father brother sister heaven earth body state low car "
    "earn fit".split())
_ADJECTIVE_SUFFIXES = ("al", "ful", "ous", "ive", "ent", "ant", "ic", "able", "ible", "ar",
                       "less", "ary", "ate")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "June", "July", "August", "September",
           "October", "November", "December")  # not May: a verb too


@dataclass(frozen=True)
class Family:
    """One meaning's phrasings: the idiomatic one and its calques."""

    kind: str  # seed, manner, comparative, superlative, light-verb, increasingly, day, month
    idiom: str
    calques: tuple[str, ...]
    held_out: bool  # the calques never appear in training


def _held_out(kind: str, member: str) -> bool:
    if kind in HELD_OUT_KINDS:
        return True
    return zlib.crc32(f"{kind}:{member}".encode()) % 1000 < HELD_OUT_SHARE * 1000


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _adverb(adj: str) -> str:
    if adj.endswith("le"):
        return adj[:-1] + "y"
    if adj.endswith("y"):
        return adj[:-1] + "ily"
    if adj.endswith("ic"):
        return adj + "ally"
    return adj + "ly"


def _graded(adj: str, suffix: str) -> str:
    """adj + er / est with English spelling (large -> larger, big -> bigger, easy -> easier)."""
    if adj.endswith("e"):
        return adj + suffix[1:]
    if adj.endswith("y"):
        return adj[:-1] + "i" + suffix
    if (len(adj) <= 4 and re.fullmatch(r".*[^aeiou][aeiou][bdgmnpt]", adj)):
        return adj + adj[-1] + suffix
    return adj + suffix


def _manner(adj: str, held_out: bool) -> Family:
    art = _article(adj)
    return Family("manner", _adverb(adj), (f"in {art} {adj} manner", f"in {art} {adj} way"),
                  held_out)


def _increasingly(adj: str, held_out: bool) -> Family:
    return Family("increasingly", f"increasingly {adj}", (f"more and more {adj}",), held_out)


def _comparative(adj: str, held_out: bool) -> Family:
    return Family("comparative", _graded(adj, "er"), (f"more {adj}",), held_out)


def _superlative(adj: str, held_out: bool) -> Family:
    return Family("superlative", f"the {_graded(adj, 'est')}", (f"the most {adj}",), held_out)


def _light_verb(past: str, noun: str, held_out: bool) -> Family:
    art = _article(noun)
    return Family("light-verb", past, (f"carried out {art} {noun} of",
                                       f"conducted {art} {noun} of"), held_out)


def invented_families(stem: str) -> list[Family]:
    """The trained constructions over an invented word (the training corpus's way of
    teaching a construction rather than a list of its members): "stemly" / "in a stem
    manner", "stemer" / "more stem", "stemated" / "carried out a stemation of"..."""
    return [_manner(stem, False), _increasingly(stem, False), _comparative(stem, False),
            _light_verb(stem + "ated", stem + "ation", False)]


@cache
def families(vocabulary: int = 40000) -> tuple[Family, ...]:
    """Every family: the seed ones, then each construction's members from wordfreq."""
    from wordfreq import top_n_list

    words = top_n_list("en", vocabulary)
    known = set(words)
    out = [Family("seed", idiom, calques, False) for idiom, calques in SEED.items()]
    short = [w for w in words if 3 <= len(w) <= 7 and w.isalpha() and w not in _NOT_ADJECTIVES
             and _graded(w, "er") in known and _graded(w, "est") in known]
    # Adjectives: the graded ones, and words with an adjective suffix whose adverb exists.
    adjectives = [w for w in dict.fromkeys([*short, *words]) if w.isalpha()
                  and w not in _NOT_ADJECTIVES and _adverb(w) in known
                  and (w in short or w.endswith(_ADJECTIVE_SUFFIXES))]
    for adj in adjectives:
        out += [_manner(adj, _held_out("manner", adj)),
                _increasingly(adj, _held_out("increasingly", adj))]
    for adj in short:
        out += [_comparative(adj, _held_out("comparative", adj)),
                _superlative(adj, _held_out("superlative", adj))]
    in_seeds = {w for calques in SEED.values() for c in calques for w in c.split()}
    for verb in words:
        if not verb.isalpha() or len(verb) < 6 or verb[:-1] + "d" in in_seeds:
            continue
        if verb.endswith("ate") and (noun := verb[:-1] + "ion") in known:
            past = verb + "d"
        elif verb.endswith("ify") and (noun := verb[:-1] + "ication") in known:
            past = verb[:-1] + "ied"
        else:
            continue
        if past in known:
            out.append(_light_verb(past, noun, _held_out("light-verb", verb)))
    for day in _DAYS:
        out.append(Family("day", f"on {day}", (f"today ({day})", f"on the day of {day}"),
                          _held_out("day", day)))
    for month in _MONTHS:
        out.append(Family("month", f"in {month}", (f"in the month of {month}",),
                          _held_out("month", month)))
    return tuple(out)


def _case_like(model: str, text: str) -> str:
    return text[:1].upper() + text[1:] if model[:1].isupper() else text


def _alternation(phrases: Iterable[str]) -> re.Pattern[str]:
    """Any of `phrases` as whole words, in any case, the longest first ("more and more
    strong" before "more strong")."""
    alternatives = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)",
                      re.IGNORECASE)


@cache
def _calque_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    to_idiom = {c.lower(): f.idiom for f in families() for c in f.calques}
    return _alternation(to_idiom), to_idiom


def idiomatic(text: str) -> str:
    """`text` with every calque of a family replaced by the family's idiomatic phrasing."""
    pattern, to_idiom = _calque_pattern()
    return pattern.sub(lambda m: _case_like(m.group(), to_idiom[m.group().lower()]), text)


def to_syn(text: str) -> str:
    """English to syn, line by line."""
    return "\n".join(to_toy_aligned(idiomatic(line)).text for line in text.split("\n"))


@cache
def _idiom_pattern(held_out: bool | None) -> tuple[re.Pattern[str], dict[str, Family]]:
    trained = {f.idiom.lower() for f in families() if not f.held_out}
    # An idiom two members share ("historically": historic, historical) is held out only
    # if no trained member has it.
    by_idiom = {f.idiom.lower(): f for f in families()
                if held_out is None or (f.held_out == held_out
                and not (held_out and f.idiom.lower() in trained))}
    return _alternation(by_idiom), by_idiom


@dataclass(frozen=True)
class Calqued:
    """A sentence with one idiomatic phrasing replaced by a calque."""

    text: str
    span: tuple[int, int]  # the calque's characters in `text`
    family: Family
    idiom: str  # what the sentence said


def idioms_in(text: str, held_out: bool | None = None) -> list[tuple[re.Match[str], Family]]:
    """The idiomatic phrasings `text` writes (of held-out families only, of trained ones
    only, or of every family)."""
    pattern, by_idiom = _idiom_pattern(held_out)
    return [(m, by_idiom[m.group().lower()]) for m in pattern.finditer(text)]


def calque(text: str, rng: random.Random, held_out: bool | None = None) -> Calqued | None:
    """`text` with one of its idiomatic phrasings (chosen by `rng`) calqued, or None."""
    found = idioms_in(text, held_out)
    if not found:
        return None
    m, fam = rng.choice(found)
    variant = _case_like(m.group(), rng.choice(fam.calques))
    out = text[:m.start()] + variant + text[m.end():]
    return Calqued(out, (m.start(), m.start() + len(variant)), fam, m.group())
