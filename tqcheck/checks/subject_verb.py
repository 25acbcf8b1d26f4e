"""grammar:subject-verb: a finite verb that agrees with the subject just before it in no
reading of the two (number, person; gender in the past singular), by the resources
configs/languages.toml `[agreement] subject_verb` names: pymorphy3 for Russian (below), the
noun lexicon german-nouns and the Hunspell dictionary for German (`_German`).

MT makes this error where it renders an English verb for the wrong subject or loses a
plural ("Переговоры продолжалась", "они борется", "дети говорим"), and a reader sees it at
once. Russian word order is free, so a noun before a verb is often no subject; the check
keeps to the cases where it can be sure, and was developed on WMT21 en-ru news and TED MT
(16 000 segments; 3 flags, each in an expert-marked error: docs/evaluation.md):
- the subject is a personal pronoun, or a noun known to the lexicon (no name, no guess)
  read in the nominative, the first noun of its clause (no preposition, noun or verb
  between the clause's start and it: "работник парка сказал", "свет из галактики может");
- the verb reads as finite in (almost) all its readings, and no nominative after it in the
  clause agrees with it (object first: "Закон приняла Дума"; a preposition's noun is none:
  "Депутаты проголосовал за законопроект");
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
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.checks.agreement import Agreement, _parses, _table, cased_like
from tqcheck.config import config_path
from tqcheck.errors import ConfigError
from tqcheck.types import Flag

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CLAUSE = re.compile(r"[,;:.!?«»\"“”„()—–]|\s-\s")  # where a clause starts or ends
_NOT_BEFORE = ("NOUN", "NPRO", "PREP", "VERB", "INFN", "GRND", "PRTS", "NUMR")
_NAMES = ("Name", "Surn", "Patr", "Orgn", "Fixd", "Abbr")  # their gender and number vary
_IN_PHRASE = ("PREP", "ADJF", "PRTF")  # words before a preposition's noun ("за новый закон")
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


def _backends() -> dict[str, str]:
    """`[agreement] subject_verb`: language -> what reads its subjects and verbs."""
    table = _table().get("subject_verb", {})
    if not isinstance(table, dict) or not all(v in BACKENDS for v in table.values()):
        raise ConfigError(f"{config_path('languages.toml')}: [agreement] subject_verb maps "
                          f"languages to one of {', '.join(BACKENDS)}")
    return dict(table)


BACKENDS = ("pymorphy3", "german-nouns")


@register
class SubjectVerb(Check):
    name = "grammar:subject-verb"
    languages = frozenset(_backends())
    resources = ("pymorphy3 (ru)", "german-nouns and hunspell-de-de (de)")
    category = "Fluency/Grammar"
    description = "a verb that agrees with the subject before it in no number or person"

    def __init__(self, env: CheckEnv) -> None:
        super().__init__(env)
        lists = _table()
        self.quantities = frozenset(lists.get("quantities", {}).get(env.lang, ()))
        self.pronouns = _pronouns(env.lang)
        self.backend = _backends().get(env.lang)
        self.german = _German(env.lang) if self.backend == "german-nouns" else None

    def lacks(self) -> str | None:
        if self.backend == "pymorphy3":
            return Agreement.unavailable() or Agreement.lacks(self)
        if self.backend == "german-nouns":
            from tqcheck.checks.determiners import Determiner
            from tqcheck.checks.spelling import missing_dictionary

            return Determiner.unavailable() or missing_dictionary(self.env.lang)
        return None

    def signature(self) -> dict[str, str]:
        from importlib.metadata import version

        if self.backend == "german-nouns":
            from tqcheck.checks.spelling import dictionary_names

            return {"subject_verb": f"german-nouns@{version('german-nouns')}+hunspell:"
                                    f"{dictionary_names().get(self.env.lang, '')}"}
        return Agreement.signature(self)

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        if self.german is not None:
            return self.german.flags(ctx.text, self.name, self.category)
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
        governed = False  # in a preposition's phrase: its noun is no subject ("за законопроект")
        for m in _WORD.finditer(after):
            w = m.group()
            pos = _dominant(lang, w).tag.POS
            if pos == "PREP" or governed:
                governed = pos in _IN_PHRASE
                continue
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


class _German:
    """German subject-verb agreement where a sentence begins with its subject: a determiner,
    up to MAX_ADJECTIVES adjectives and a noun (german-nouns: its nominative readings with
    the determiner's, all singular or all plural), then the finite verb (main clauses put it
    second), whose number the irregular table of `[agreement.verbs.de]` or the Hunspell
    dictionary gives ("spielt": "spielen" is a word; "spielten": "spielte" is). Left alone
    where a noun phrase or pronoun after the verb, before the clause ends, may be the
    subject in the verb's number ("Diese Woche entsandten Bundesbeamte ...", "Die größten
    Unterschiede gibt es ...": the first noun phrase is then the object), and where the
    phrase is ambiguous in number."""

    def __init__(self, lang: str) -> None:
        from tqcheck.checks.determiners import _table as determiner_table
        from tqcheck.checks.determiners import prepositions

        table = (_table().get("verbs") or {}).get(lang, {})
        self.lang = lang
        self.singular = dict(table.get("irregular") or {})
        self.plural = {v: k for k, v in self.singular.items()}
        self.pronouns = frozenset(table.get("pronouns", ()))
        det = determiner_table(lang)
        self.prepositions = prepositions(det) | frozenset(det.get("postpositions", ())) | (
            frozenset(det.get("contractions") or {}))
        self.adjective_endings = tuple(det.get("adjective_endings", ()))
        self.not_between = frozenset(det.get("not_between", ()))

    def flags(self, text: str, name: str, category: str) -> list[Flag]:
        from tqcheck.checks.determiners import lexicon

        out: dict[int, Flag] = {}  # by the verb's offset (a quote may open a sentence)
        for start in _sentence_starts(text):
            words = list(_WORD.finditer(text, start, min(len(text), start + WINDOW)))
            found = self._subject_and_verb(text, words)
            if found is None:
                continue
            number, verb = found
            verb_number, other = self._verb_number(verb.group())
            if verb_number is None or verb_number == number:
                continue
            if self._subject_follows(text, verb, verb_number, lexicon(self.lang)):
                continue
            out[verb.start()] = Flag(verb.start(), verb.end(), category, "Minor",
                                     f"{verb.group()!r} is {verb_number}, its subject "
                                     f"{number}", suggestion=other, signal=name)
        return list(out.values())

    def _subject_and_verb(self, text: str, words: list[re.Match[str]]
                          ) -> tuple[str, re.Match[str]] | None:
        """(the number of the sentence's first noun phrase in the nominative, the word
        after it), where the sentence begins with one of a single number."""
        from tqcheck.checks.determiners import lexicon, noun_readings

        lex = lexicon(self.lang)
        if len(words) < 3 or not _spaced(text, words[:3]):
            return None
        det = lex.determiners.get(words[0].group().lower())
        if det is None:
            return None
        k = 1
        while k < len(words) - 1 and k <= MAX_ADJECTIVES and self._adjective(
                words[k].group()) and words[k].group() not in lex.determiners:
            k += 1  # (not "dieser": "Die letzte dieser Behauptungen ist")
        noun, verb = words[k], words[k + 1] if k + 1 < len(words) else None
        if verb is None or not noun.group()[:1].isupper() or not _spaced(text, words[:k + 2]):
            return None
        readings = noun_readings(lex, noun.group())
        if readings is None:
            return None
        nominative = det & readings[1] & 0b1111
        number = ("plural" if nominative == 1 << 3 else
                  "singular" if nominative and not nominative & 1 << 3 else None)
        return (number, verb) if number else None

    def _adjective(self, word: str) -> bool:
        return word.islower() and word not in self.not_between and word.endswith(
            self.adjective_endings)

    def _verb_number(self, word: str) -> tuple[str | None, str | None]:
        """("singular" or "plural", the form of the other number), or (None, None) where the
        word is no third person the tables or the dictionary vouch for."""
        if word in self.singular:
            return "singular", self.singular[word]
        if word in self.plural:
            return "plural", self.plural[word]
        if not word.islower() or len(word) < 4 or not _in_dictionary(self.lang, word):
            return None, None
        if word.endswith("te") and _in_dictionary(self.lang, word + "n"):
            return "singular", word + "n"
        if word.endswith("ten") and _in_dictionary(self.lang, word[:-1]):
            return "plural", word[:-1]
        if word.endswith("t") and not word.endswith("st"):
            stem = word[:-2] if word.endswith("et") else word[:-1]
            for plural in (stem + "en", word[:-1] + "n"):
                if plural != word and _in_dictionary(self.lang, plural):
                    return "singular", plural
        if word.endswith(("en", "ern", "eln")):
            for singular in (word[:-2] + "t", word[:-1] + "t", word[:-2] + "et"):
                if singular != word and _in_dictionary(self.lang, singular):
                    return "plural", singular
        return None, None

    def _subject_follows(self, text: str, verb: re.Match[str], number: str, lex: Any) -> bool:
        """Whether a pronoun, a name or a noun phrase that may be in the nominative and in the
        verb's number follows it in its clause (not after a preposition)."""
        from tqcheck.checks.determiners import noun_readings

        clause = _CLAUSE.split(text[verb.end():verb.end() + WINDOW])[0]
        det, after_preposition = None, False
        for m in _WORD.finditer(clause):
            w, lower = m.group(), m.group().lower()
            if lower in self.pronouns:
                return True
            if lower in self.prepositions:
                after_preposition = True
                continue
            if lower in lex.determiners:
                det = lex.determiners[lower]
                continue
            if not w[:1].isupper():
                continue
            readings = noun_readings(lex, w)
            if not after_preposition:
                if readings is None:
                    return True  # a name may be the subject
                mask = readings[1] & (det if det is not None else 0xFFFF) & 0b1111
                if mask & (1 << 3 if number == "plural" else 0b0111):
                    return True
            det, after_preposition = None, False
        return False


MAX_ADJECTIVES = 3  # adjectives between the determiner and the noun of a subject


@lru_cache(maxsize=200_000)  # (bounded as agreement's readings are: a long batch's words)
def _in_dictionary(lang: str, word: str) -> bool:
    from tqcheck.checks.spelling import hunspell

    dictionary = hunspell(lang)
    return dictionary is not None and bool(dictionary.lookup(word))


def _sentence_starts(text: str) -> Iterable[int]:
    """Where sentences begin: the text's first word, and after a full stop, a question or
    exclamation mark or an opening quote followed by a space and a capital."""
    first = re.search(r"\S", text)
    if first is not None:
        yield first.start()
    for m in re.finditer(r"[.!?]\s+(?=[A-ZÄÖÜ])|[„“\"»«]\s*(?=[A-ZÄÖÜ])", text):
        yield m.end()


def _spaced(text: str, words: list[re.Match[str]]) -> bool:
    """The words follow one another with one space between each."""
    return all(text[a.end():b.start()] == " " for a, b in pairwise(words))
