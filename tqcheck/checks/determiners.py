"""grammar:determiner: an article or determiner and its noun that agree in no case, number
and gender, or that the preposition before them does not govern ("den Präsident", "die
Bericht", "mit den Mann", "zur Haus"). German first: configs/languages.toml `[determiners]`
holds each language's determiner paradigms, the prepositions of one case and the
contractions; the nouns' genders and forms come from a noun lexicon (`german-nouns`:
100 000 nouns of Wiktionary, every case and number).

MT makes this error where a noun's gender or case is lost between languages, and a reader
stops at it. A phrase is flagged only where every reading of the determiner misses every
reading of the noun: a noun form the lexicon does not know (a name, a loanword) is left
alone, and so are nouns declined like adjectives ("der Abgeordnete", "ein Abgeordneter":
their form depends on the determiner's kind); a compound is read by its last part only
where its first part is a noun too. A determiner right after a comma is left alone (a
relative pronoun: "die Frau, die Brot kauft"), and so is one whose noun is not the next
capitalised word after at most three adjectives. The flag covers the noun where its lemma
has the form the determiner asks for (that form is the suggestion), else the determiner.

Two instances: the whole check (`grammar:determiner`, off in the default profile: under the
precision bar on annotated MT) and its sure cases (`grammar:determiner/gender`, on): a
determiner right before its noun with none of the genders (or the number) of the noun's
common lemmas in any case, no preposition's case in question ("Der Haus", "mit der Kind"),
and a noun declined as an adjective in its -e form after a determiner that wants -en ("den
Verdächtige").
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.config import config_file, config_path
from tqcheck.errors import ConfigError
from tqcheck.text.frequency import zipf
from tqcheck.text.lexicon import number_words
from tqcheck.types import Flag

log = logging.getLogger(__name__)

NAME = "grammar:determiner"
# Its sure cases, on where the whole check is under the precision bar: a determiner right
# before its noun whose genders (or number) it has in no case ("Der Haus", "mit der Kind",
# "dieses Wirkung"), no preposition's case in question, the determiner no word that also
# stands alone as a pronoun before an object (`pronouns`: "das Antikörper enthält").
SURE = NAME + "/gender"
PACKAGE = "german-nouns"
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
CASES = ("nom", "gen", "dat", "acc")
CASE_NAMES = {"nom": "nominative", "gen": "genitive", "dat": "dative", "acc": "accusative"}
GENDERS = ("m", "f", "n")  # and "pl": a plural reading, which has no gender
_CSV_CASES = {"nominativ": 0, "genitiv": 1, "dativ": 2, "akkusativ": 3}
_DECLINED = (" stark", " schwach", " gemischt")  # columns of nouns declined as adjectives
MAX_ADJECTIVES = 3  # lower-case words allowed between a determiner and its noun
MAX_WORD = 60  # letters of the longest noun read (German's long compounds have about 40;
# a hostile line's 100 000-letter word would make the compound reading quadratic)
# A form's readings are a bit mask: bit 4 * case + g, g = 0, 1, 2 for a singular of gender
# m, f, n and 3 for a plural.
PLURAL = 3


def _genders(readings: int) -> int:
    """The genders of a reading mask, whatever the case: bit g set for each gender g (m, f,
    n) or the plural (PLURAL) that some case of it reads."""
    return (readings | readings >> 4 | readings >> 8 | readings >> 12) & 0xF


def reading_bits(reading: str) -> int:
    """"dat.sg.m" -> its bit; "dat.pl" -> the plural bit of the dative."""
    case, number, *gender = reading.split(".")
    g = PLURAL if number == "pl" else GENDERS.index(gender[0])
    return 1 << (4 * CASES.index(case) + g)


def bits_cases(mask: int) -> set[str]:
    return {CASES[b // 4] for b in range(16) if mask >> b & 1}


@dataclass(frozen=True)
class Lexicon:
    """A language's determiners, prepositions and nouns, each form with the bit mask of its
    readings (a few hundred thousand forms: ints, not sets, keep it small), and per noun
    lemma its forms and genders for suggestions."""

    determiners: dict[str, int]
    prepositions: dict[str, int]  # preposition -> the mask of the cases it governs
    nouns: dict[str, int]  # form -> readings | its lemma's row << 16 (a homograph's first)
    homographs: dict[str, tuple[int, ...]]  # form -> every row, where it has several
    forms: list[tuple[str, ...]]  # per row: nom, gen, dat, acc singular, then plural
    genders: list[int]  # per row: bit g for each gender it has
    declined_like_adjectives: frozenset[str]  # forms of nouns such as "Abgeordnete"

    def rows(self, form: str) -> tuple[int, ...]:
        return self.homographs.get(form) or ((self.nouns[form] >> 16,)
                                             if form in self.nouns else ())


def _table(lang: str) -> dict[str, Any]:
    table = (config_file("languages.toml").get("determiners") or {}).get(lang)
    if not isinstance(table, dict):
        raise ConfigError(f"{config_path('languages.toml')}: no [determiners.{lang}] table")
    return table


def prepositions(table: dict[str, Any]) -> frozenset[str]:
    """Every preposition a `[determiners.LANG]` table lists: of one case and the others."""
    return frozenset(table.get("other_prepositions", ())) | frozenset(
        w for ws in (table.get("prepositions") or {}).values() for w in ws)


def languages() -> frozenset[str]:
    return frozenset(config_file("languages.toml").get("determiners") or {})


def _readings(value: object, where: str) -> int:
    if not isinstance(value, list) or not all(
            isinstance(r, str) and re.fullmatch(r"(nom|gen|dat|acc)\.(sg\.[mfn]|pl)", r)
            for r in value):
        raise ConfigError(f"{config_path('languages.toml')}: {where} must list readings such "
                          f"as \"nom.sg.m\" or \"dat.pl\", found {value!r}")
    mask = 0
    for r in value:
        mask |= reading_bits(r)
    return mask


def _case_bits(case: str) -> int:
    return 0b1111 << (4 * CASES.index(case))


def _determiners(lang: str) -> tuple[dict[str, int], dict[str, int]]:
    """Determiner forms (stems with their paradigm's endings, and the fixed forms) and the
    prepositions of one case (contractions are determiners governed by theirs)."""
    table = _table(lang)
    out: dict[str, int] = {}
    for paradigm, spec in (table.get("paradigms") or {}).items():
        where = f"[determiners.{lang}.paradigms.{paradigm}]"
        endings = {e: _readings(r, f"{where} {e!r}") for e, r in spec.get("endings", {}).items()}
        for stem in spec.get("stems", []):
            for ending, readings in endings.items():
                out[stem + ending] = out.get(stem + ending, 0) | readings
    for key in ("forms", "contractions"):
        for form, readings in (table.get(key) or {}).items():
            out[form] = out.get(form, 0) | _readings(readings, f"[determiners.{lang}.{key}]")
    preps: dict[str, int] = {}
    for case, words in (table.get("prepositions") or {}).items():
        if case not in CASES:
            raise ConfigError(f"{config_path('languages.toml')}: [determiners.{lang}."
                              f"prepositions] {case!r} is no case ({', '.join(CASES)})")
        for w in words:
            preps[w] = preps.get(w, 0) | _case_bits(case)
    return out, preps


@cache
def lexicon(lang: str) -> Lexicon:
    """The language's lexicon, read once per process: from the cache directory where an
    earlier process left it (0.2 s against 1.4 s to build for German), else built and left
    there. The cache is keyed by german-nouns' version, the language's table, this
    module's code and Python's version, so a change to any of them builds anew."""
    import marshal

    path = _lexicon_cache(lang)
    try:
        return Lexicon(*marshal.loads(path.read_bytes()))
    except FileNotFoundError:
        pass
    except (OSError, EOFError, ValueError, TypeError) as exc:  # a damaged file: built again
        log.warning("%s: unreadable lexicon cache (%s); rebuilding it", path, exc)
    lex = _build_lexicon(lang)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps(tuple(getattr(lex, f.name) for f in fields(lex))))
        os.replace(tmp, path)  # (atomic: parallel workers may write it at once)
        for old in path.parent.glob(f"{PACKAGE}-{lang}-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)  # an earlier version's: not read again
    except OSError as exc:
        log.warning("cannot keep the lexicon in %s (%s): each process builds it", path, exc)
        tmp.unlink(missing_ok=True)  # (no half-written file left behind: a full disk)
    return lex


def _lexicon_cache(lang: str) -> Path:
    import hashlib
    import json
    import sys
    from importlib.metadata import version

    from tqcheck.translate.diskcache import default_cache_dir

    key = hashlib.sha256(json.dumps(  # (marshal's format is Python's own: its version too)
        [version(PACKAGE), _table(lang), Path(__file__).read_text("utf-8"),
         sys.version_info[:2]], sort_keys=True, default=str).encode()).hexdigest()[:16]
    return default_cache_dir() / "lexicons" / f"{PACKAGE}-{lang}-{key}.marshal"


def _build_lexicon(lang: str) -> Lexicon:
    """German: german-nouns' CSV, every form of each case and number; the first for
    suggestions."""
    import csv
    from importlib.resources import files
    from operator import itemgetter

    determiners, governing = _determiners(lang)
    nouns: dict[str, int] = {}
    homographs: dict[str, tuple[int, ...]] = {}
    forms: list[tuple[str, ...]] = []
    genders: list[int] = []
    adjectival: set[str] = set()
    with files("german_nouns").joinpath("nouns.csv").open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        col = {name: k for k, name in enumerate(next(rows))}
        pos, lemma = col["pos"], col["lemma"]
        genus = itemgetter(*[k for name, k in col.items() if name.split(" ")[0] == "genus"])
        declined = itemgetter(*[k for name, k in col.items() if name.endswith(_DECLINED)])
        slots = [(k, _CSV_CASES[name.split(" ")[0]], name.split(" ")[1].startswith("plural"))
                 for name, k in col.items()
                 if name.split(" ")[0] in _CSV_CASES and not name.endswith(_DECLINED)]
        in_slots = itemgetter(*[k for k, _, _ in slots])
        where = [(case, plural) for _, case, plural in slots]
        for row in rows:
            if "Substantiv" not in row[pos] or row[lemma].startswith("-"):
                continue
            if any(declined(row)):
                adjectival.update(f for f in declined(row) if f)
                continue
            gm = sum(1 << GENDERS.index(g) for g in set(genus(row)) if g in GENDERS)
            first = [""] * 8
            mine: dict[str, int] = {}
            filled = [(w, f) for w, f in zip(where, in_slots(row), strict=True) if f]
            for (case, plural), form in filled:
                if plural:
                    bits = 1 << (4 * case + PLURAL)
                elif gm:
                    bits = gm << (4 * case)
                else:
                    continue  # a singular without a gender: nothing to compare
                mine[form] = mine.get(form, 0) | bits
                slot = case + 4 * plural
                first[slot] = first[slot] or form
            if not mine:
                continue
            n = len(forms)
            for form, bits in mine.items():
                had = nouns.get(form)
                if had is not None:
                    homographs[form] = (*(homographs.get(form) or (had >> 16,)), n)
                    nouns[form] = had | bits
                else:
                    nouns[form] = bits | n << 16
            forms.append(tuple(first))
            genders.append(gm)
    return Lexicon(determiners, governing, nouns, homographs, forms, genders,
                   frozenset(adjectival))


def noun_readings(lex: Lexicon, word: str) -> tuple[str, int] | None:
    """(the form looked up, its readings): the word itself, or for a compound the lexicon
    lacks its last part ("Regierungssprecher": "Sprecher"); None for a word the lexicon
    does not know, a noun declined like an adjective, or a word of 1 or more than MAX_WORD
    letters."""
    if not 2 <= len(word) <= MAX_WORD or word in lex.declined_like_adjectives:
        return None
    if word in lex.nouns:
        return word, lex.nouns[word] & 0xFFFF
    return compound_tail(lex, word)


MIN_PART = 4  # letters of each part of a compound read by its last part


def compound_tail(lex: Lexicon, word: str) -> tuple[str, int] | None:
    """The last part of a compound and its readings, where the first part is a noun too
    (with a linking s), each part of MIN_PART letters at least: a compound's gender is its
    last part's."""
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        tail = word[cut].upper() + word[cut + 1:]
        head = word[:cut]
        if tail in lex.nouns and tail not in lex.declined_like_adjectives and (
                head in lex.nouns or (head.endswith("s") and len(head) > MIN_PART
                                      and head[:-1] in lex.nouns)):
            return tail, lex.nouns[tail] & 0xFFFF
    return None


def tail_readings(lex: Lexicon, word: str, lang: str) -> int:
    """The readings of every noun that ends the word after a first part of MIN_PART letters
    or more that the language uses (wordfreq, with or without a linking s): a compound the
    lexicon lists may take its last part's other gender too ("der Coronavirus", as "der
    Virus"). Only ever accepts more."""
    out = 0
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        found = lex.nouns.get(word[cut].upper() + word[cut + 1:])
        head = word[:cut]
        if found is not None and any((z := zipf(h, lang)) is not None and z >= HEAD_ZIPF
                                     for h in {head, head.removesuffix("s")}):
            out |= found & 0xFFFF
    return out


HEAD_ZIPF = 3.0  # how often the language must use the first part of a compound so read


class ReadsNouns(Check):
    """A check that reads the german-nouns lexicon (this one, grammar:numeral): what to
    install without it, and the signature."""

    resources = (PACKAGE,)

    @classmethod
    def unavailable(cls) -> str | None:
        from importlib.util import find_spec

        return None if find_spec("german_nouns") is not None else f"pip install {PACKAGE}"

    def signature(self) -> dict[str, str]:
        from importlib.metadata import version

        return {"determiners": f"{PACKAGE}@{version(PACKAGE)}"}


@register
class Determiner(ReadsNouns):
    name = NAME
    languages = languages()
    category = "Fluency/Grammar"
    description = ("an article or determiner and its noun that agree in no case, number and "
                   "gender, or that the preposition before them does not govern")

    def __init__(self, env: CheckEnv, sure: bool = False) -> None:
        super().__init__(env)
        self.sure = sure  # the instance for the sure cases alone, switched on and off apart
        if sure:
            self.name = SURE
        table = _table(env.lang) if env.lang in languages() else {}  # (listed elsewhere)
        self.pronouns = frozenset(table.get("pronouns", ()))
        self.lemma_margin = float(table.get("lemma_margin", 1.0))
        self.en_after = frozenset(table.get("en_after", ()))
        self.adjective_endings = tuple(table.get("adjective_endings", ()))
        self.not_between = frozenset(table.get("not_between", ()))
        self.bare_after = frozenset(table.get("bare_after", ()))
        self.foreign = tuple(table.get("foreign", ()))
        self.foreign_margin = float(table.get("foreign_margin", 1.0))
        self.infinitive_endings = tuple(table.get("infinitive_endings", ()))
        self.infinitive_zipf = float(table.get("infinitive_zipf", 3.0))
        self.all_prepositions = prepositions(table)
        self.postpositions = frozenset(table.get("postpositions", ()))
        self.adverbial = frozenset(table.get("adverbial", ()))
        self.contractions = frozenset(table.get("contractions") or {})
        self.nominalised_endings = tuple(table.get("nominalised_endings", ()))
        words, scales = number_words(env.lang)
        self.numbers = frozenset(words) | frozenset(scales)

    @classmethod
    def instances(cls, env: CheckEnv) -> list[Check]:
        return [cls(env), cls(env, sure=True)]

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        text = ctx.text
        lex = lexicon(ctx.lang)
        ws = list(_WORD.finditer(text))
        out: list[Flag] = []
        for k, m in enumerate(ws):
            det = lex.determiners.get(m.group().lower())
            if det is None or self._relative(text, ws, k, lex):
                continue
            noun_at = self._noun_after(text, ws, k, lex)
            if noun_at is None or (self.sure and noun_at != k + 1):
                continue  # (the sure cases have the noun right after the determiner)
            word = ws[noun_at].group()
            if word in lex.declined_like_adjectives:
                out.extend(self._declined(text, ws, k, noun_at, ctx.lang))
                continue
            found = noun_readings(lex, word)
            if found is None:
                continue
            form, readings = found
            for w in {word, form}:
                readings |= self._as_infinitive(w, ctx.lang)
            prep = self._governing(text, ws, k, lex)
            allowed = det if prep is None else det & lex.prepositions[prep]
            if allowed & readings:
                continue
            # the look-alikes (names, foreign words...), asked only where the readings disagree
            if not self._plain_noun(text, ws, noun_at, ctx.lang):
                continue
            if allowed & tail_readings(lex, word, ctx.lang):
                continue  # its last part's gender ("der Coronavirus": "der Virus")
            if self._nominalised(word, allowed) or self._after_determiner(
                    text, ws, k, lex, readings) or self._attributive(text, ws, noun_at, lex,
                                                                     allowed):
                continue
            governed = prep is not None and bool(det & readings)
            if self.sure and (governed or m.group().lower() in self.pronouns or _genders(
                    allowed) & _genders(self._main_readings(lex, form, readings))):
                continue
            noun = ws[noun_at]
            phrase = text[(ws[k - 1] if governed else m).start():noun.end()]
            if governed:
                cases = " or ".join(CASE_NAMES[c] for c in CASES
                                    if c in bits_cases(lex.prepositions[prep or ""]))
                why = f"{prep!r} takes the {cases}, and {text[m.start():noun.end()]!r} is not in it"
            else:
                why = "the determiner and the noun agree in no case, number and gender"
            # The flag covers the word to change, as a reader (and an annotator) marks it:
            # the noun where it has the form the determiner asks for ("des Problem" ->
            # "Problems"), else the determiner, which chose the case or gender ("für ein
            # Kommentar", "dieses Wirkung").
            suggestion = None if governed or self.sure else self._suggestion(
                lex, noun, form, self._common_rows(lex, form), allowed, readings)
            at = noun if suggestion is not None else m
            out.append(Flag(at.start(), at.end(), self.category, "Minor",
                            f"{phrase!r}: {why}", suggestion=suggestion, signal=self.name))
        return out

    def _declined(self, text: str, ws: list[re.Match[str]], k: int, j: int,
                  lang: str) -> list[Flag]:
        """A noun declined as an adjective right after a determiner that wants its -en form
        (`en_after`: "den Verdächtige" -> "Verdächtigen", "einem Angeklagte"); its -e form
        is right only after others ("der Verdächtige", "eine Abgeordnete")."""
        word = ws[j].group()
        if j != k + 1 or ws[k].group().lower() not in self.en_after or \
                not word.endswith("e") or not self._plain_noun(text, ws, j, lang):
            return []
        phrase = text[ws[k].start():ws[j].end()]
        return [Flag(ws[j].start(), ws[j].end(), self.category, "Minor",
                     f"{phrase!r}: after {ws[k].group()!r} a noun declined as an adjective "
                     "ends in -en", suggestion=word + "n", signal=self.name)]

    def _common_rows(self, lex: Lexicon, form: str) -> tuple[int, ...]:
        """The form's lemmas (rows) within `lemma_margin` (wordfreq Zipf) of its most
        frequent one: "Haus" is also a genitive of the rare "Hau" (masculine), which must
        neither excuse "der Haus" nor be suggested for it."""
        rows = lex.rows(form)
        if len(rows) < 2:
            return rows
        common = [zipf(lex.forms[r][0] or lex.forms[r][4], self.env.lang) or 0.0 for r in rows]
        return tuple(r for r, z in zip(rows, common, strict=True)
                     if z >= max(common) - self.lemma_margin)

    def _main_readings(self, lex: Lexicon, form: str, readings: int) -> int:
        """The form's readings as a form of its common lemmas alone (`_common_rows`)."""
        out = 0
        for row in self._common_rows(lex, form):
            for i, written in enumerate(lex.forms[row]):
                if written == form:
                    genders = [PLURAL] if i >= 4 else [g for g in range(3)
                                                       if lex.genders[row] >> g & 1]
                    out |= sum(1 << (4 * (i % 4) + g) for g in genders)
        return out or readings

    def _relative(self, text: str, ws: list[re.Match[str]], k: int, lex: Lexicon) -> bool:
        """A determiner that may be a relative pronoun: right after a comma, or after a
        comma and a preposition ("die Frau, die Brot kauft"; ", von dem viele glauben")."""
        before = text[:ws[k].start()].rstrip()
        if before.endswith(","):
            return True
        return k > 0 and ws[k - 1].group().lower() in self.all_prepositions and \
            text[:ws[k - 1].start()].rstrip().endswith(",")

    def _after_determiner(self, text: str, ws: list[re.Match[str]], k: int, lex: Lexicon,
                          readings: int) -> bool:
        """A determiner right after another that agrees with the noun is declined as an
        adjective of the first ("eines jeden Zuhauses", "die beiden"); not a contraction,
        which holds a preposition ("dieser zur Taliban")."""
        if k == 0 or text[ws[k - 1].end():ws[k].start()] != " " or \
                ws[k].group().lower() in self.contractions:
            return False
        return bool(lex.determiners.get(ws[k - 1].group().lower(), 0) & readings)

    def _attributive(self, text: str, ws: list[re.Match[str]], j: int, lex: Lexicon,
                     allowed: int) -> bool:
        """Noun j measures an adjective of a later noun that agrees with the determiner
        ("eines Jahrtausende alten Stücks", "der zwei Meter hohen Mauer"): single spaces
        between the three ("des Problem weitere Anstrengungen" is no such phrase: the
        determiner misses its last noun too)."""
        if j + 2 >= len(ws) or any(text[ws[i].end():ws[i + 1].start()] != " "
                                   for i in (j, j + 1)):
            return False
        adjective, after = ws[j + 1].group(), ws[j + 2].group()
        if not (adjective[:1].islower() and adjective.endswith(self.adjective_endings)
                and adjective.lower() not in lex.determiners and after[:1].isupper()):
            return False
        found = noun_readings(lex, after)
        return found is not None and bool(allowed & found[1])

    def _plain_noun(self, text: str, ws: list[re.Match[str]], j: int, lang: str) -> bool:
        """Word j is a noun of the language on its own: not the first part of a compound
        written apart ("die Staats- und Regierungschefs"), not the first word of a name of
        several capitalised words ("die Green Party", "der Yard Street"), not a word other
        languages use more (English in German news: "Die Centers", "die Chargers"), not a
        number word ("unter den ersten Vier"), not a noun news uses as an adverb
        (`adverbial`: "eine Anfang des Monats erschienene Story")."""
        if text[ws[j].end():ws[j].end() + 1] == "-":
            return False  # the first part of a compound ("die Staats- und Regierungschefs")
        if j + 1 < len(ws) and ws[j + 1].group()[:1].isupper() and \
                text[ws[j].end():ws[j + 1].start()] == " ":
            return False
        word = ws[j].group()
        lower = word.lower()
        if word in self.adverbial or lower in self.numbers or \
                lower.removesuffix("n").removesuffix("e") in self.numbers:
            return False  # (also "in die Tausende", "zu Hunderten")
        own = zipf(word, lang)
        # (other languages' small lists: a word they use more is frequent there, and their
        # whole lists would cost 30 MB each in every process)
        return not any((z := zipf(word, other, "small")) is not None and own is not None
                       and z >= own + self.foreign_margin for other in self.foreign)

    def _nominalised(self, word: str, allowed: int) -> bool:
        """An adjective, participle or verb written as a noun ("der Tugendhaften", "ins
        Leere"), which the lexicon does not list: the word ends as they do
        (`nominalised_endings`; a bare "e" after a neuter singular determiner only: "das
        Gute") and the language's Hunspell dictionary knows it in lower case (where there is
        no dictionary, every such word is taken as one: no flag rather than a false one)."""
        neuter = allowed & sum(reading_bits(f"{c}.sg.n") for c in CASES)
        if not (word.endswith(self.nominalised_endings) or (neuter and word.endswith("e"))):
            return False
        from tqcheck.checks.spelling import hunspell

        dictionary = hunspell(self.env.lang)
        return dictionary is None or bool(dictionary.lookup(word.lower()))

    def _as_infinitive(self, word: str, lang: str) -> int:
        """The readings of an infinitive written as a noun ("fürs Arbeiten", "beim Laufen":
        neuter singular, nominative, dative, accusative), where the lower-case word is one
        the language uses (`infinitive_zipf`) and ends as an infinitive does."""
        if not word.endswith(self.infinitive_endings):
            return 0
        z = zipf(word.lower(), lang)
        if z is None or z < self.infinitive_zipf:
            return 0
        return sum(reading_bits(f"{case}.sg.n") for case in ("nom", "dat", "acc"))

    def _noun_after(self, text: str, ws: list[re.Match[str]], k: int, lex: Lexicon
                    ) -> int | None:
        """The noun a determiner at word k goes with: the next capitalised word, after at
        most MAX_ADJECTIVES lower-case words with an adjective's ending (and not one of the
        language's `not_between` words: "die unter Druck geratene"), single spaces between
        them all. Only the first capitalised word: German strings nouns ("den Kindern
        Geschenke machen"), and a name's adjective is not its noun ("die Deutsche Bank")."""
        j = k + 1
        most = 0 if ws[k].group().lower() in self.bare_after else MAX_ADJECTIVES
        while j < len(ws) and text[ws[j - 1].end():ws[j].start()] == " ":
            word = ws[j].group()
            if word[:1].isupper():
                return None if word.isupper() and len(word) > 1 else j  # (an acronym)
            lower = word.lower()
            if (j - k > most or lower in self.not_between
                    or lower in lex.determiners or lower in lex.prepositions
                    or not lower.endswith(self.adjective_endings)):
                return None
            j += 1
        return None

    def _governing(self, text: str, ws: list[re.Match[str]], k: int, lex: Lexicon
                   ) -> str | None:
        """The preposition of one case right before word k, if any; not one that may follow
        its noun (`postpositions`) where a noun comes before it ("dem Glauben nach der
        Geburtsort")."""
        if k == 0 or text[ws[k - 1].end():ws[k].start()] != " " or \
                ws[k].group().lower() in self.contractions:
            return None  # (a contraction holds its own preposition: "mit ins Leben gerufen")
        prev = ws[k - 1].group().lower()
        if prev not in lex.prepositions:
            return None
        if prev in self.postpositions and k > 1 and ws[k - 2].group()[:1].isupper():
            return None
        return prev

    @staticmethod
    def _suggestion(lex: Lexicon, noun: re.Match[str], form: str, rows: tuple[int, ...],
                    allowed: int, readings: int) -> str | None:
        """The noun in the form the determiner asks for, in its own number (another number
        would change what the text says), where its lemmas have exactly one such form (a
        compound keeps its first part)."""
        numbers = {b % 4 == PLURAL for b in range(16) if readings >> b & 1}
        wanted = set()
        for row in rows:
            for b in range(16):
                case, g = divmod(b, 4)
                if allowed >> b & 1 and (g == PLURAL) in numbers and (
                        g == PLURAL or lex.genders[row] >> g & 1):
                    wanted.add(lex.forms[row][case + 4 * (g == PLURAL)])
        wanted.discard("")
        if len(wanted) != 1:
            return None
        new = wanted.pop()
        word = noun.group()
        if word != form:  # the last part of a compound
            new = word[:len(word) - len(form)] + new[0].lower() + new[1:]
        return new
