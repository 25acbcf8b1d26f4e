"""grammar:subject-verb: a finite verb that agrees with the subject just before it in no
reading of the two (number, person; gender in the past singular), by the morphological
analyser of configs/languages.toml `[agreement]` (pymorphy3: Russian).

MT makes this error where it renders an English verb for the wrong subject or loses a
plural ("Переговоры продолжалась", "они борется", "дети говорим"), and a reader sees it at
once. Russian word order is free, so a noun before a verb is often no subject; the check
keeps to the cases where it can be sure, and was developed on WMT21 en-ru news and TED MT
(16 000 segments; 3 flags, each in an expert-marked error: docs/evaluation.md):
- the subject is a personal pronoun, or a noun known to the lexicon (no name, no guess)
  read in the nominative, the first noun of its clause (no preposition, noun or verb
  between the clause's start and it: "работник парка сказал", "свет из галактики может");
- the verb reads as finite in (almost) all its readings, and no nominative after it in the
  clause agrees with it (object first: "Закон приняла Дума");
- left alone as Russian allows: a quantity noun ("большинство", either number), a numeral
  before the noun, an impersonal neuter past ("Символизм было невозможно не заметить"), a
  masculine noun of a person with a feminine verb ("министр заявила"), and for a plural
  verb after a singular noun, a noun that may be an object of an indefinite-personal verb
  ("Твиттер обвинили") or the last of a list ("это предубеждение, этот пробел
  наблюдались").
The flag covers the verb, the suggestion its form that agrees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from typing import Any

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.checks.agreement import Agreement, _parses, _table, cased_like
from tqcheck.types import Flag

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CLAUSE = re.compile(r"[,;:.!?«»\"“”„()—–]|\s-\s")  # where a clause starts or ends
_NOT_BEFORE = ("NOUN", "NPRO", "PREP", "VERB", "INFN", "GRND", "PRTS", "NUMR")
_NAMES = ("Name", "Surn", "Patr", "Orgn", "Fixd", "Abbr")  # their gender and number vary
FINITE_SHARE = 0.9  # of the verb's probability in finite readings
NOMINATIVE_SHARE = 0.25  # of the noun's probability in nominative readings
WINDOW = 400  # characters either side read for the clause (a hostile line stays linear)
LIST_ITEM_WORDS = 4  # a comma-separated item this short before the noun may be a subject


@cache
def _pronouns(lang: str) -> dict[str, frozenset[str]]:
    """`[agreement] pronouns`: personal pronoun -> its grammemes (person, number, gender)."""
    table = _table().get("pronouns", {}).get(lang, {})
    return {w: frozenset(g.split()) for w, g in table.items()}


def _nominatives(lang: str, word: str) -> list[Any]:
    """The word's readings as a noun or pronoun in the nominative, where they are likely
    enough (not "с" read as an abbreviation)."""
    readings = [p for p in _parses(lang, word)
                if p.tag.POS in ("NOUN", "NPRO") and p.tag.case == "nomn"]
    return readings if sum(p.score for p in readings) >= NOMINATIVE_SHARE else []


def _dominant(lang: str, word: str) -> Any:
    return max(_parses(lang, word), key=lambda p: p.score)


@register
class SubjectVerb(Check):
    name = "grammar:subject-verb"
    languages = Agreement.languages
    resources = Agreement.resources
    category = "Fluency/Grammar"
    description = "a verb that agrees with the subject before it in no number or person"

    def __init__(self, env: CheckEnv) -> None:
        super().__init__(env)
        lists = _table()
        self.quantities = frozenset(lists.get("quantities", {}).get(env.lang, ()))
        self.pronouns = _pronouns(env.lang)

    unavailable = Agreement.unavailable
    lacks = Agreement.lacks
    signature = Agreement.signature

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        text, lang = ctx.text, ctx.lang
        ws = list(_WORD.finditer(text))
        out = []
        for first, second in pairwise(ws):
            if text[first.end():second.start()] != " ":
                continue
            subject, word = first.group(), first.group().lower()
            nouns = self._subject(lang, subject, text, first.start())
            if not nouns:
                continue
            verbs = [p for p in _parses(lang, second.group())
                     if p.tag.POS == "VERB" and p.tag.mood == "indc"]
            if sum(p.score for p in verbs) < FINITE_SHARE:
                continue
            if any(self._agree(n, v, word) for n in nouns for v in verbs):
                continue
            if not self._sure(lang, text, first, second, nouns, verbs, word):
                continue
            verb = second.group()
            fix = self._fix(nouns[0], verbs[0], word)
            fix = cased_like(verb, fix) if fix else None
            out.append(Flag(second.start(), second.end(), self.category, "Minor",
                            f"{verb!r} does not agree with its subject {subject!r}",
                            suggestion=fix, signal=self.name))
        return out

    def _subject(self, lang: str, word: str, text: str, start: int) -> list[Any]:
        """The word's nominative readings as a subject: a personal pronoun, or a noun of
        the lexicon (no name, no guess) most likely enough in the nominative."""
        lower = word.lower()
        if lower in self.pronouns:
            return [p for p in _parses(lang, lower) if p.tag.POS == "NPRO"][:1]
        if lower in self.quantities:
            return []
        parses = _parses(lang, word)
        if any(g in p.tag for p in parses for g in _NAMES) or not _in_lexicon(parses):
            return []
        if word[:1].isupper() and not _sentence_start(text, start) and not all(
                "Geox" in p.tag for p in parses if p.tag.POS == "NOUN"):
            return []  # a capital inside a sentence: a name (places the lexicon declines)
        return [p for p in _nominatives(lang, word) if p.tag.POS == "NOUN"]

    def _agree(self, noun: Any, verb: Any, word: str) -> bool:
        n, v = noun.tag, verb.tag
        if word in self.pronouns:
            grammemes = self.pronouns[word]
            number = "plur" if "plur" in grammemes else "sing"
            if "polite" in grammemes:  # "вы" to one person: plural, or a past singular
                return v.number == "plur" or (v.tense == "past" and v.number == "sing")
            if v.tense == "past":
                gender = next((g for g in ("masc", "femn", "neut") if g in grammemes), None)
                return v.number == number and (number == "plur" or gender is None
                                               or v.gender == gender)
            return v.person in grammemes and v.number == number
        if v.tense == "past":
            if v.number != n.number:
                return False
            if v.number == "sing" and n.gender and v.gender and v.gender != n.gender:
                return ("anim" in n and n.gender == "masc") or "ms-f" in n or "GNdr" in n
            return True
        return v.person in (None, "3per") and v.number == n.number

    def _sure(self, lang: str, text: str, first: re.Match[str], second: re.Match[str],
              nouns: list[Any], verbs: list[Any], word: str) -> bool:
        """Whether the noun is the verb's subject beyond reasonable doubt."""
        if word not in self.pronouns and all(
                v.tag.tense == "past" and v.tag.gender == "neut" for v in verbs):
            return False  # an impersonal verb ("было невозможно", "удалось")
        head = text[max(0, first.start() - WINDOW):first.start()]
        before = _CLAUSE.split(head)[-1]
        for w in _WORD.findall(before):
            if _dominant(lang, w).tag.POS in _NOT_BEFORE or w.isdigit():
                return False  # no first noun of its clause
        if re.search(r"\d\s*$", head):
            return False
        tail = text[second.end():second.end() + WINDOW]
        after = _CLAUSE.split(tail)[0] if word not in self.pronouns else ""
        for m in _WORD.finditer(after):
            w = m.group()
            if (w[:1].isupper() and _maybe_name(lang, w)) or any(
                    self._agree(p, v, w.lower()) for p in _nominatives(lang, w) for v in verbs):
                return False  # the subject may follow ("Закон приняла Дума", "... Мечичи")
        if word not in self.pronouns and any(v.tag.number == "plur" for v in verbs):
            if any("accs" in p.tag for p in _parses(lang, first.group())) and not all(
                    "intr" in v.tag for v in verbs):
                return False  # an object of "they" ("Твиттер обвинили в ...")
            items = head.split(",")
            item = _WORD.findall(items[-2]) if len(items) > 1 else []
            if len(item) <= LIST_ITEM_WORDS and any(
                    p.tag.POS == "NOUN" and p.tag.case == "nomn"
                    for w in item for p in _parses(lang, w)):
                return False  # the last subject of a list
        return True

    def _fix(self, noun: Any, verb: Any, word: str) -> str | None:
        """The verb's form that agrees with the subject, if the analyser can make it."""
        wanted: set[str]
        if word in self.pronouns:
            grammemes = self.pronouns[word]
            if verb.tag.tense == "past":
                wanted = {g for g in grammemes if g in ("sing", "plur", "masc", "femn", "neut")}
            else:
                wanted = {g for g in grammemes if g in ("sing", "plur", "1per", "2per", "3per")}
        elif verb.tag.tense == "past":
            wanted = {noun.tag.number}
            if noun.tag.number == "sing" and noun.tag.gender in ("masc", "femn", "neut"):
                wanted.add(noun.tag.gender)
        else:
            wanted = {noun.tag.number, "3per"}
        if "plur" in wanted:
            wanted -= {"masc", "femn", "neut"}
        form = verb.inflect(wanted) if wanted and None not in wanted else None
        return form.word if form is not None else None


def _in_lexicon(parses: Iterable[Any]) -> bool:
    """Every reading from the analyser's dictionary, none guessed from the word's ending."""
    return all(type(p.methods_stack[0][0]).__name__ == "DictionaryAnalyzer" for p in parses)


def _maybe_name(lang: str, word: str) -> bool:
    """A capitalised word that may be a name in the nominative: unknown to the lexicon,
    indeclinable, or with a nominative reading."""
    parses = _parses(lang, word)
    return not _in_lexicon(parses) or any(
        "Fixd" in p.tag or p.tag.case == "nomn" for p in parses)


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - WINDOW):start].rstrip()
    return not before or before[-1] in ".!?«\"“„:—–-"
