"""grammar:number: number agreement read from the Hunspell dictionary, for languages with no
morphological analyser installable here (Spanish, Portuguese, Italian, Dutch: configs/
languages.toml `[number.es]`, `[number.pt]`, `[number.it]`, `[number.nl]`).

These languages mark number regularly, and their Hunspell dictionaries (Debian's
`hunspell-es`, `hunspell-pt-pt`, `hunspell-it`) give each noun and adjective the affix flag
of its plural ("ley/S": "leyes"; "lei/p": "leis"; "famiglia/Q": "famiglie") while they list
verb forms apart. So a word's readings say whether it is a noun or adjective, in which
number, and whether it may also be a verb. Three errors MT makes and a reader sees at once:
- a determiner and its noun in different numbers ("una casas", "los niño");
- an adjective after a determiner and its noun in the other number ("una ley muy
  importantes");
- the verb right after the subject that opens a sentence in the other number ("Los niños
  juega", "Las autoridades ha", "El gobierno aprobaron"), its form in the subject's number
  the suggestion (configs: the endings that make a third person plural); or a word there
  that is the subject's verb without its written accent ("El presidente anuncio" ->
  "anunció", "Las elecciones se celebraran" -> "celebrarán": `accents`).
And a verb form where "muy" wants an adjective, one slip from a frequent one ("muy grabe"
-> "grave"). Left alone: a word the dictionary also reads as a verb after "la", "los", "las"
(object pronouns there: "la tienes"; not a participle, "Los resultado"), another
determiner ("uma das vítimas"), a noun of time or a quantity as the subject ("Los lunes
trabaja", "La mayoría votaron"), names (capitalised), and anything after a preposition,
conjunction or comma, where the phrase may end. The flag covers the word that disagrees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from tqcheck.check.base import Check, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.checks.spelling import dictionary_names, hunspell, missing_dictionary
from tqcheck.config import config_path
from tqcheck.errors import ConfigError
from tqcheck.text.frequency import zipf
from tqcheck.text.lexicon import language_table
from tqcheck.text.slips import meant
from tqcheck.types import Flag

_WORD = re.compile(r"[^\W\d_]+")
SING, PLUR = "singular", "plural"
SLIP_MIN = 4  # letters of a verb form read as a slip for an adjective


@dataclass(frozen=True)
class _Language:
    """`[number.LANG]`, read once."""

    plural_flags: frozenset[str]  # affix flags of nouns' and adjectives' plurals
    plural_endings: tuple[str, ...]  # how a plural those flags make ends ("s"; "i", "e")
    singular: frozenset[str]
    plural: frozenset[str]
    both: frozenset[str]  # determiners of either number, whose noun says which ("de")
    pronouns: frozenset[str]  # determiners that are also object pronouns before a verb
    degree: frozenset[str]  # words between a noun and its adjective ("muy")
    before_verb: frozenset[str]  # words between a subject and its verb ("no", "se")
    either: frozenset[str]  # subjects whose verb takes either number, or none (time)
    invariable: frozenset[str]  # nouns of both numbers the dictionary reads as plurals
    not_verbs: frozenset[str]  # prepositions and conjunctions (some spell a verb form too)
    verb_endings: tuple[tuple[str, str], ...]  # (3rd singular, 3rd plural) endings
    verb_forms: tuple[tuple[str, str], ...]  # irregular (singular, plural) pairs
    accents: tuple[tuple[str, str, str], ...]  # (bare ending, accented ending, number)
    participle_endings: tuple[str, ...]  # verb forms no object pronoun comes before
    before_adjectives: frozenset[str]  # words an adjective or adverb follows, never a verb
    slip_zipf: float  # how often the language uses the adjective meant for a verb there...
    slip_margin: float  # ...and how much more often than the verb form written (Zipf)
    suggest_singular: bool = True  # a plural noun after a singular determiner: its singular
    adjectives_after: bool = True  # adjectives follow their noun (Dutch: they come before)
    stem_changes: tuple[tuple[str, str], ...] = ()  # (singular, plural) spellings of a stem
    irregular_plurals: tuple[str, ...] = ()  # endings of plurals listed whole ("kinderen")


@cache
def _language(lang: str) -> _Language:
    t = language_table("number", lang)
    where = f"{config_path('languages.toml')}: [number.{lang}]"
    def pairs(key: str) -> tuple[tuple[str, str], ...]:
        return tuple((str(a), str(b)) for a, b in t.get(key, []))

    try:
        words = {k: frozenset(w.lower() for w in t.get(k, [])) for k in (
            "singular", "plural", "both", "pronouns", "degree", "before_verb", "either",
            "invariable", "not_verbs", "before_adjectives")}
        endings, forms, stems = pairs("verb_endings"), pairs("verb_forms"), pairs("stem_changes")
        accents = tuple((str(a), str(b), {"singular": SING, "plural": PLUR}[n])
                        for a, b, n in t.get("accents", []))
        given = t["plural_flag"]
        flags = frozenset([given] if isinstance(given, str) else map(str, given))
        plural_endings = tuple(str(e) for e in t.get("plural_endings", ["s"]))
        slip = (float(t.get("slip_zipf", 3.0)), float(t.get("slip_margin", 1.0)))
        participles = tuple(str(e) for e in t.get("participle_endings", []))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: needs plural_flag (a flag or a list), word lists, "
                          f"verb_endings as pairs and accents as [ending, accented ending, "
                          f"number] ({exc})") from None
    return _Language(flags, plural_endings, verb_endings=endings, verb_forms=forms,
                     accents=accents, participle_endings=participles, slip_zipf=slip[0],
                     slip_margin=slip[1],
                     suggest_singular=bool(t.get("suggest_singular", True)),
                     adjectives_after=bool(t.get("adjectives_after", True)),
                     stem_changes=stems,
                     irregular_plurals=tuple(str(e) for e in t.get("irregular_plurals", [])),
                     **words)


@dataclass(frozen=True)
class _Readings:
    numbers: frozenset[str]  # as a noun or adjective
    verb: bool  # whether the dictionary also reads it as a verb form (or another word)
    singular: str | None  # its singular, where it is a regular plural


@cache
def _dictionary(lang: str) -> Any | None:
    return hunspell(lang)  # (looked for once per process)


def _forms(lang: str, word: str) -> list[Any]:
    return list(_dictionary(lang).lookuper.good_forms(word, capitalization=False,
                                                      compound_forms=False))


@lru_cache(maxsize=100_000)
def _readings(lang: str, flags: frozenset[str], endings: tuple[str, ...],
              word: str, irregular: tuple[str, ...] = ()) -> _Readings:
    """The dictionary's readings of a lower-case word: a form of an entry with one of the
    plural `flags` is a noun or adjective, plural where an affix made it and it ends in one
    of `endings` ("leyes"; "famiglie", "nuovi"; not "nuova"), else singular. A word the
    dictionary lists whole, ending in one of the `irregular` plural endings after a noun
    (Dutch "kinderen": "kind" + "eren"), is that noun's plural."""
    forms = _forms(lang, word)
    if forms and all(f.suffix is None and f.prefix is None for f in forms):
        for ending in irregular:
            stem = word[:-len(ending)]
            if word.endswith(ending) and len(stem) >= 2 and any(
                    f.in_dictionary is not None and flags & set(f.in_dictionary.flags)
                    for f in _forms(lang, stem)):
                return _Readings(frozenset({PLUR}), False, stem)
    numbers, verb, singulars = set(), False, set()
    for form in forms:
        entry = form.in_dictionary
        if entry is None or not flags & set(entry.flags):
            verb = True
            continue
        if form.suffix is not None and word.endswith(endings) and word != form.stem:
            numbers.add(PLUR)  # by the plural flag, or another ("sanitarias": sanitario/G)
            if form.suffix.flag in flags and form.prefix is None and \
                    word.startswith(form.stem):
                singulars.add(form.stem)  # (an ending added, "ley" -> "leyes"; one
                # changed may change the gender too: it_IT makes "bambini" of "bambina")
        else:
            numbers.add(SING)
    singular = next(iter(singulars)) if len(singulars) == 1 else None
    return _Readings(frozenset(numbers), verb, singular)


@register
class NumberAgreement(Check):
    name = "grammar:number"
    languages = frozenset(language_table("number"))
    resources = ("spylls", "hunspell-<lang> (Debian)")
    category = "Fluency/Grammar"
    description = ("determiner, noun, adjective and verb in different numbers, read from the "
                   "Hunspell dictionary's plural flags")

    def __init__(self, env: CheckEnv) -> None:
        super().__init__(env)
        self.table = _language(env.lang) if env.lang in self.languages else None
        t = self.table
        # words that end a phrase, and words never read as its verb
        self.stops = t.invariable | t.not_verbs if t else frozenset()
        self.no_verb = (t.before_verb | t.degree | t.singular | t.plural | t.not_verbs
                        if t else frozenset())
        self.no_noun = (t.invariable | t.singular | t.plural | t.not_verbs
                        if t else frozenset())

    @classmethod
    def unavailable(cls) -> str | None:
        from importlib.util import find_spec

        return None if find_spec("spylls") is not None else "pip install spylls"

    def lacks(self) -> str | None:
        return missing_dictionary(self.env.lang)

    def signature(self) -> dict[str, str]:
        from importlib.metadata import version

        name = dictionary_names().get(self.env.lang, "")
        return {"number": f"hunspell:{name}+spylls@{version('spylls')}"}

    def _read(self, word: str) -> _Readings:
        assert self.table is not None
        t = self.table
        return _readings(self.env.lang, t.plural_flags, t.plural_endings, word.lower(),
                         t.irregular_plurals)

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        if self.table is None or _dictionary(ctx.lang) is None:
            return []
        text, t = ctx.text, self.table
        ws = list(_WORD.finditer(text))
        out: list[Flag] = []
        for i, m in enumerate(ws[:-1]):
            det = m.group().lower()
            if det in t.before_adjectives and text[m.end():ws[i + 1].start()] == " ":
                out += self._verb_for_adjective(text, m, ws[i + 1])
                continue
            number = SING if det in t.singular else PLUR if det in t.plural else None
            noun = ws[i + 1]
            if (number is None and det not in t.both) or text[m.end():noun.start()] != " " \
                    or not noun.group()[:1].islower():
                continue
            if noun.group().lower() in self.no_noun:
                continue  # (a noun of both numbers; another determiner: "uma das vítimas")
            r = self._read(noun.group())
            if number is None:  # a determiner of either number: its noun's, if it has one
                # (other entries of the word are no verb after an article: Dutch lists
                # nouns again for compounds, "leraar")
                if len(r.numbers) == 1:
                    out += self._after_noun(text, ws, i, next(iter(r.numbers)))
                continue
            if not r.numbers or number in r.numbers:
                if r.numbers:
                    out += self._after_noun(text, ws, i, number)
                continue
            if det in t.pronouns and r.verb and \
                    not noun.group().lower().endswith(t.participle_endings):
                continue  # "la tienes": an object pronoun before a verb (not a participle:
                # "los resultado" is no "los" before "resultado" of "resultar")
            out.append(self._flag(noun, f"{text[m.start():noun.end()]!r}: the determiner "
                                  f"is {number}, the noun is not", r, number))
        return out

    def _after_noun(self, text: str, ws: list[re.Match[str]], i: int,
                    number: str) -> list[Flag]:
        """An adjective after the determiner and noun at ws[i], and where they open the
        sentence, the verb after the subject."""
        t = self.table
        assert t is not None
        k = i + 2
        while t.adjectives_after and k < len(ws) and text[ws[k - 1].end():ws[k].start()] == " ":
            word = ws[k].group()
            if not word[:1].islower():
                return []
            if word in t.degree:
                k += 1
                continue
            if word in self.stops:
                break
            r = self._read(word)
            if r.numbers:
                if number in r.numbers:
                    if r.verb:
                        break  # maybe the verb ("El presidente visita varias ciudades")
                    k += 1
                    continue  # an adjective that agrees ("autoridades sanitarias")
                preceded = text[:ws[i].start()].rstrip().rsplit(" ", 1)[-1].lower()
                if r.verb or preceded in t.before_verb or preceded in ("a", "al") or \
                        any(w.group() not in t.degree for w in ws[i + 2:k]):
                    return []  # a verb, a second object ("dio a la niña regalos"), or
                    # not the word after the noun
                return [self._flag(ws[k], f"{text[ws[i].start():ws[k].end()]!r}: the "
                                   f"adjective is not {number} as its noun is", r, number)]
            break
        if k >= len(ws) or text[ws[k - 1].end():ws[k].start()] != " " or \
                not _opens_sentence(text, ws[i].start()) or \
                ws[i + 1].group().lower() in t.either:
            return []
        while k < len(ws) - 1 and ws[k].group().lower() in t.before_verb and \
                text[ws[k].end():ws[k + 1].start()] == " ":
            k += 1  # "Los niños no se divierte"
        return self._verb(text, ws[i], ws[k], number)

    def _verb(self, text: str, start: re.Match[str], verb: re.Match[str],
              number: str) -> list[Flag]:
        t = self.table
        assert t is not None
        word = verb.group()
        if not word[:1].islower() or word in self.no_verb:
            return []
        accented = self._accented(word, number)
        after = _WORD.search(text, verb.end())
        if accented is not None and after is not None and \
                text[verb.end():after.start()] == " " and self._finite(after.group()):
            accented = None  # an adjective of the subject before its verb ("El trabajo duro
            # compensa": "duro", not "duró")
        if accented is not None:
            return [Flag(verb.start(), verb.end(), "Fluency/Spelling", "Minor",
                         f"{text[start.start():verb.end()]!r}: the verb after the subject "
                         f"lacks its accent", suggestion=accented, signal=self.name)]
        r = self._read(word)
        if r.numbers or not r.verb:
            return []  # a noun or adjective (or a word the dictionary lacks)
        other = next((plur if number == PLUR else sing for sing, plur in t.verb_forms
                      if word == (sing if number == PLUR else plur)), None)
        for sing, plur in t.verb_endings if other is None else ():
            have, want = (sing, plur) if number == PLUR else (plur, sing)
            if word.endswith(have) and len(word) > len(have) + 1:
                stem = word[:len(word) - len(have)]
                for candidate in [stem + want] + [v + want for v in self._stems(stem, number)]:
                    c = self._read(candidate)
                    if c.verb and (not c.numbers or bool(t.stem_changes)):
                        other = candidate  # (a Dutch plural verb is often a plural noun
                        break  # too: "spelen", "reizen")
                if other is not None:
                    break
        if other is None:
            return []
        return [Flag(verb.start(), verb.end(), self.category, "Minor",
                     f"{text[start.start():verb.end()]!r}: the subject is {number}, the "
                     "verb is not", suggestion=other, signal=self.name)]

    def _stems(self, stem: str, number: str) -> list[str]:
        """The stem as the other number spells it (`stem_changes`: Dutch "speel-t" and
        "spel-en", "leef-t" and "lev-en", "stop-t" and "stopp-en"): each change at the stem's
        end, and a final consonant doubled (towards the plural) or undoubled."""
        t = self.table
        assert t is not None
        out = [stem]
        for sing, plur in t.stem_changes:  # (together too: "leef-t", "lev-en")
            have, want = (sing, plur) if number == PLUR else (plur, sing)
            for v in list(out):
                at = v.rfind(have, max(0, len(v) - len(have) - 1))
                if at >= 0:
                    out.append(v[:at] + want + v[at + len(have):])
        if t.stem_changes and len(stem) > 2 and stem[-1] not in "aeiouy":
            if number == PLUR:
                out.append(stem + stem[-1])
            elif stem[-1] == stem[-2]:
                out.append(stem[:-1])
        return out[1:]

    def _verb_for_adjective(self, text: str, degree: re.Match[str],
                            word: re.Match[str]) -> list[Flag]:
        """A verb form right after a word that only an adjective or adverb follows ("muy"),
        one slip of the keys from a frequent adjective ("muy grabe" -> "grave"): a
        misspelling that makes another word, which the dictionary passes."""
        w = word.group()
        if len(w) < SLIP_MIN or not self._finite(w):
            return []
        t = self.table
        assert t is not None
        least = max(t.slip_zipf, (zipf(w, self.env.lang) or 0.0) + t.slip_margin)
        adjective = meant(w, self.env.lang, least, lambda v: bool(self._read(v).numbers))
        if adjective is None:
            return []
        return [Flag(word.start(), word.end(), "Fluency/Spelling", "Minor",
                     f"{text[degree.start():word.end()]!r}: a verb after a word that an "
                     f"adjective follows; {adjective!r} is one letter away",
                     suggestion=adjective, signal=self.name)]

    def _finite(self, word: str) -> bool:
        """Whether the dictionary reads `word` as a verb form only."""
        if not word[:1].islower() or word in self.no_verb:
            return False
        r = self._read(word)
        return r.verb and not r.numbers

    def _accented(self, word: str, number: str) -> str | None:
        """The third person in `number` that `word` is without its written accent, where the
        dictionary has it as a verb form only ("anuncio" -> "anunció", "celebraran" ->
        "celebrarán": a noun or a subjunctive where the sentence needs its verb)."""
        t = self.table
        assert t is not None
        for bare, marked, of in t.accents:
            if of == number and word.endswith(bare) and len(word) > len(bare) + 2:
                candidate = word[:len(word) - len(bare)] + marked
                c = self._read(candidate)
                if c.verb and not c.numbers and _dictionary(self.env.lang).lookup(candidate):
                    return candidate
        return None

    def _flag(self, word: re.Match[str], message: str, r: _Readings, number: str) -> Flag:
        t = self.table
        assert t is not None
        return Flag(word.start(), word.end(), self.category, "Minor", message,
                    suggestion=r.singular if number == SING and t.suggest_singular else None,
                    signal=self.name)


def _opens_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".!?:¡¿\"«“"
