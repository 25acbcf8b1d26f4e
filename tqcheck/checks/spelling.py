"""spelling:hunspell: words of the target language that its Hunspell dictionary does not know
(Debian's `hunspell-*` packages, read with spylls), for every language with one listed in
configs/languages.toml `[hunspell]` (English has Harper: grammar:harper).

News is full of words no dictionary lists: names, places, agencies, new coinages. So a word
is left alone when it has a digit or more than one capital (codes, acronyms, brands), is a
word of the source (a name carried over, also inflected: "Wileys"), one of the user's words,
a name of the sentence, a word several sentences of the document write the same way (a slip
is made once; a name or term recurs), a word the language's morphology, endings or compounds
make of known words (configs/languages.toml `[spelling]`), or a word the language uses (at
least `hunspell_known_zipf` in wordfreq's frequencies for it: "Selenskyj"). What is left is
flagged only where a frequent word lies one slip away ("Verhandlungn" -> "Verhandlungen",
the suggestion): on WMT21 news MT the unknown words with none were rare valid words (drugs,
coinages, compounds) far more often than errors. A capitalised word is flagged only where it
is nowhere in wordfreq (a capital marks a name in most languages), or, where every noun is
capitalised (German), where the word one slip away is far more frequent than it ("Gewin" ->
"Gewinn"). A lower-case word the language uses is still flagged where the dictionary lacks
it and the same word with the language's diacritics is far more frequent ("situacion" ->
"situación"; or with the wrong marks: "trés" -> "très"; web text drops accents often
enough for wordfreq to know the bare form; a capitalised one is most likely a name so
written, "Uber", "Muller"). The margins are
configs/languages.toml `[spelling]` `slip_margin` and `marks_margin`. (Hunspell's own
suggestions take seconds a word in pure Python; wordfreq's frequent words serve instead.)
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from tqcheck.check.base import Check, Need, register
from tqcheck.check.context import SegmentContext
from tqcheck.check.environment import CheckEnv
from tqcheck.config import config_file, config_path, search_folders
from tqcheck.errors import ConfigError
from tqcheck.text.lexicon import capitalises_nouns, language_table
from tqcheck.text.names import letter_words, names
from tqcheck.text.slips import one_slip
from tqcheck.types import Flag

# Where dictionaries are looked for: $TQCHECK_HUNSPELL_PATH (os.pathsep-separated), then
# Debian's and other distributions' places.
SEARCH = ("/usr/share/hunspell", "/usr/share/myspell/dicts", "/usr/share/myspell",
          "/usr/local/share/hunspell", "/Library/Spelling")
SUGGEST_FROM = 60_000  # the most frequent words of the language a suggestion is chosen from
SUGGEST_CUTOFF = 0.85  # how close a suggestion must be (difflib ratio)
MAX_NAME = 64  # letters of the longest source word whose inflections are spared
MAX_REPLACED = 40  # letters of the longest word the REP table's misspellings are tried on


def dictionary_names() -> dict[str, str]:
    """configs/languages.toml `[hunspell]`: language -> dictionary file name (no suffix)."""
    table = config_file("languages.toml").get("hunspell", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ConfigError(f"{config_path('languages.toml')}: [hunspell] maps languages to "
                          "dictionary names (de = \"de_DE\")")
    return dict(table)


def dictionary_path(name: str) -> Path | None:
    """The .dic/.aff pair `name` (without suffix), where a search place has both."""
    for folder in search_folders("TQCHECK_HUNSPELL_PATH", SEARCH):
        base = folder / name
        if base.with_suffix(".dic").is_file() and base.with_suffix(".aff").is_file():
            return base
    return None


def missing_dictionary(lang: str) -> str | None:
    """What to install where the language has a Hunspell dictionary listed and its files are
    not found; None otherwise."""
    name = dictionary_names().get(lang)
    if not name or dictionary_path(name) is not None:
        return None
    package = language_table("hunspell_packages").get(lang)
    return f"no Hunspell dictionary {name} (apt-get install {package or 'hunspell-' + lang}, " \
           "or set TQCHECK_HUNSPELL_PATH)"


def hunspell(lang: str) -> Any | None:
    """The language's Hunspell dictionary (spylls), loaded once per process; None where the
    language has none or its files are not installed."""
    name = dictionary_names().get(lang)
    base = dictionary_path(name) if name else None
    return _dictionary(str(base)) if base is not None else None


@cache
def _spelling_table() -> dict[str, Any]:
    """configs/languages.toml `[spelling]`: compounds, endings, morphology."""
    table = config_file("languages.toml").get("spelling", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{config_path('languages.toml')}: [spelling] must be a table")
    return table


@cache
def _morphology(lang: str) -> Any:
    """The morphological analyser configs/languages.toml names for `lang` (its lexicon
    knows the inflected forms a dictionary misses), or None."""
    name = (_spelling_table().get("morphology") or {}).get(lang)
    if name != "pymorphy3":
        return None
    try:
        import pymorphy3
    except ImportError:
        return None  # (said by `tqcheck checks`: see Hunspell.lacks)
    return pymorphy3.MorphAnalyzer(lang=lang)


def _in_morphology(lang: str, word: str) -> bool:
    """Whether the language's morphological lexicon knows the word (a fast lookup, asked
    before Hunspell's affix rules)."""
    morph = _morphology(lang)
    return morph is not None and morph.word_is_known(word.lower())


def _known(hunspell: Any, lang: str, word: str, depth: int = 0, noun: bool = True) -> bool:
    """The dictionary, the language's morphology, its endings, infixes and compounds. Not
    `noun`: only as a word written in lower case (a compound's tail in a German word that
    is no noun: "aufgenomen" is not "auf" + "Genom" + "en")."""
    if hunspell.lookup(word) or hunspell.lookup(word.lower()) or (
            noun and hunspell.lookup(word[:1].upper() + word[1:])):
        return True
    if _in_morphology(lang, word):
        return True
    table = _spelling_table()
    for ending in (table.get("endings") or {}).get(lang, ()):
        stem = word[:-len(ending)]
        if word.endswith(ending) and len(stem) >= 3 and (
                hunspell.lookup(stem) or hunspell.lookup(stem + "e") or (
                    depth == 0 and _compound(hunspell, lang, stem))):
            return True  # (a compound's inflection too: "hautfarbenen")
    lower = word.lower()
    for infix in (table.get("infixes") or {}).get(lang, ()) if depth == 0 else ():
        at = lower.find(infix, 2)
        while at > 0:
            if _known(hunspell, lang, word[:at] + word[at + len(infix):], depth + 1):
                return True  # "auszuladen": ausladen with its zu
            at = lower.find(infix, at + 1)
    return depth == 0 and _compound(hunspell, lang, word)


def _compound(hunspell: Any, lang: str, word: str) -> bool:
    """Two known words in one, with a linking s or a hyphen, where the language writes
    compounds so (configs/languages.toml `[spelling] compounds`)."""
    if lang not in (_spelling_table().get("compounds") or ()):
        return False
    lower = word.lower()
    # A word written in lower case where nouns are capitalised is no noun: its tail is a
    # noun only after a noun ("hautfarbenen": Haut + Farben), not after a particle
    # ("aufgenomen" is no "auf" + "Genom" + "en").
    lowercase = capitalises_nouns(lang) and word[:1].islower()
    not_heads = (_spelling_table().get("not_heads") or {}).get(lang, ())
    from wordfreq import zipf_frequency

    for cut in range(2, len(lower) - 2):
        head, tail = lower[:cut], lower[cut:]
        if head in not_heads:
            continue  # a prefix ("ge" + "maak" is no compound of "gemaak")
        heads = (head, head[:-1]) if head.endswith("s") and len(head) > 3 else (head,)
        if cut == 2 and zipf_frequency(head, lang) < _margin("short_head_zipf"):
            continue  # a two-letter head is a particle ("ab", "op"), not an abbreviation
            # the dictionary lists ("vo": "voorsel" is no "vo" + "orsel")
        if len(tail) == 3 and zipf_frequency(tail, lang) < _margin("short_head_zipf"):
            continue  # nor is a rare three-letter tail ("gemaak" is no "gem" + "aak")
        if any(hunspell.lookup(h) or hunspell.lookup(h.capitalize()) for h in heads) \
                and _known(hunspell, lang, tail.lstrip("-"), 1,
                           not lowercase or any(_noun(hunspell, h) for h in heads)):
            return True
    return False


def _noun(hunspell: Any, word: str) -> bool:
    """Whether the dictionary lists `word` capitalised (a German noun), not only as a
    lower-case word that a sentence's start may capitalise."""
    return any(True for _ in hunspell.lookuper.good_forms(
        word.capitalize(), capitalization=False, compound_forms=False))


@cache
def _dictionary(base: str) -> Any:
    from spylls.hunspell import Dictionary

    return Dictionary.from_files(base)


@cache
def _frequent(lang: str, first: str) -> dict[int, _Bucket]:
    """The language's frequent words that start with `first` (lower case), by length, for
    suggestions."""
    out: dict[int, list[str]] = {}
    for w in _frequent_words(lang):
        if w[:1] == first:
            out.setdefault(len(w), []).append(w)
    return {k: _Bucket(ws) for k, ws in out.items()}


class _Bucket:
    """Words of one length and first letter with their letter counts, so that difflib's
    quick_ratio (an upper bound of its ratio, from the letters shared whatever their order)
    is one array operation over the bucket instead of a Python loop per word."""

    def __init__(self, words: list[str]) -> None:
        import numpy as np

        self.words = words
        self.letters = {c: i for i, c in enumerate(sorted({c for w in words for c in w}))}
        self.counts = np.zeros((len(words), len(self.letters)), dtype=np.int32)
        for row, w in enumerate(words):
            for c in w:
                self.counts[row, self.letters[c]] += 1

    def within(self, word: str, cutoff: float) -> list[str]:
        """The words whose quick_ratio against `word` reaches `cutoff`."""
        import numpy as np

        wanted = np.zeros(len(self.letters), dtype=np.int32)
        for c in word:
            if c in self.letters:
                wanted[self.letters[c]] += 1
        shared = np.minimum(self.counts, wanted).sum(axis=1)
        ratio = 2.0 * shared / (len(word) + len(self.words[0]))
        return [self.words[i] for i in np.flatnonzero(ratio >= cutoff)]


def _suggestion(lang: str, word: str) -> str | None:
    """The frequent word closest to `word` (not itself) if one is close enough: difflib's
    get_close_matches (the best ratio, ties to the greater word), with its two upper bounds
    taken first over whole buckets: only lengths that can reach SUGGEST_CUTOFF (the ratio is
    at most 2 min / (a + b)), then only words with enough letters in common."""
    lower = word.lower()
    by_length = _frequent(lang, lower[:1])
    n = len(lower)
    best: tuple[float, str] | None = None
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(lower)
    for k, bucket in by_length.items():
        if 2 * min(n, k) / (n + k) < SUGGEST_CUTOFF:
            continue
        for candidate in bucket.within(lower, SUGGEST_CUTOFF):
            if candidate == lower:
                continue  # (a misspelling frequent enough to be among them: "агенство")
            matcher.set_seq1(candidate)
            score = matcher.ratio()
            if score >= SUGGEST_CUTOFF and (best is None or (score, candidate) > best):
                best = (score, candidate)
    return best[1] if best else None


def _replaced(hunspell: Any, lang: str, word: str) -> str | None:
    """The most frequent word that the dictionary's table of typical misspellings (its REP
    lines: Dutch "ch" for "g", German "d" for "t") makes of `word`, among the language's
    frequent words and known to the dictionary ("aanwezich" -> "aanwezig"): misspellings by
    sound, too far from the word for difflib's ratio."""
    from spylls.hunspell.algo.permutations import replchars

    lower = word.lower()
    if len(lower) > MAX_REPLACED:
        return None  # (each pattern's every match makes a candidate of the word's length)
    frequent = _frequent_words(lang)
    found = {c for c in replchars(lower, hunspell.aff.REP)
             if isinstance(c, str) and c in frequent and hunspell.lookup(c)}
    return max(found, key=lambda c: (frequent[c], c)) if found else None


@cache
def _frequent_words(lang: str) -> dict[str, int]:
    """The language's SUGGEST_FROM most frequent words, most frequent first, each with its
    rank counted from the least frequent (so that more is more frequent): the one read of
    wordfreq's list that suggestions, REP candidates and marked words share."""
    from wordfreq import top_n_list

    words = top_n_list(lang, SUGGEST_FROM)
    return {w: len(words) - i for i, w in enumerate(words)}


@register
class Hunspell(Check):
    name = "spelling:hunspell"
    languages = frozenset(dictionary_names())
    needs = frozenset({Need.DOCUMENT})
    resources = ("spylls", "wordfreq", "hunspell-<lang> (Debian)")
    category = "Fluency/Spelling"
    description = ("words the language's Hunspell dictionary does not know, sparing names, "
                   "source words and words the language uses (wordfreq)")

    def __init__(self, env: CheckEnv) -> None:
        super().__init__(env)
        self.dict_name = dictionary_names().get(env.lang, "")
        self.base = dictionary_path(self.dict_name) if self.dict_name else None
        self.known_zipf = env.profile.rules.hunspell_known_zipf
        self.own = env.known_words
        self.elides = env.lang in (_spelling_table().get("elision") or ())

    @classmethod
    def unavailable(cls) -> str | None:
        from importlib.util import find_spec

        missing = [m for m in ("spylls", "wordfreq") if find_spec(m) is None]
        return f"pip install {' '.join(missing)}" if missing else None

    def lacks(self) -> str | None:
        morph = (_spelling_table().get("morphology") or {}).get(self.env.lang)
        from importlib.util import find_spec

        if morph and find_spec(morph) is None:
            return f"pip install {morph} (the {self.env.lang} morphology it needs)"
        return missing_dictionary(self.env.lang)

    def signature(self) -> dict[str, str]:
        from importlib.metadata import version

        return {"spelling": f"hunspell:{self.dict_name}+spylls@{version('spylls')}"}

    def flags(self, ctx: SegmentContext) -> Iterable[Flag]:
        if self.base is None:
            return []
        text, lang = ctx.text, ctx.lang
        source = {w.casefold() for w in re.findall(r"[^\W\d_]+", ctx.source or "")}
        # (prefixes only as long as a source word, and a name's: a hostile line's one long
        # word would make them quadratic)
        longest = min(max(map(len, source), default=0), MAX_NAME)
        named = {w.start for w in names(text, lang)}
        out = []
        pos = 0
        for word in letter_words(text):
            start = text.index(word, pos)
            pos = start + len(word)
            if self.elides:
                start, word = _elided(start, word)
            folded = word.casefold()
            if start in named or folded in self.own or folded in source or any(
                    folded[:k] in source for k in range(4, min(len(folded), longest + 1))):
                continue  # a source word (a name), also inflected ("Wileys", "Bidens")
            if folded in ctx.document.repeated:
                continue  # written so in several sentences: meant, not a slip ("Schladow")
            suggestion = _misspelt(str(self.base), lang, word, self.known_zipf)
            if suggestion is not None:
                out.append(Flag(start, start + len(word), "Fluency/Spelling", "Minor",
                                f"{word!r} is not in the {self.dict_name} dictionary nor a "
                                f"word {lang} news uses", suggestion=suggestion or None,
                                signal=self.name))
        return out


MAX_ELIDED = 6  # letters of an elided word before its apostrophe ("l'", "jusqu'", "dell'")


def _elided(start: int, word: str) -> tuple[int, str]:
    """The word after an elided article, pronoun or preposition ("d'administraton"), with its
    start: the dictionary reads "d'administration" whole, but a misspelling's suggestion
    is found for the word alone. A longer head stays ("aujourd'hui")."""
    head, mark, tail = word.replace("’", "'").partition("'")
    if not mark or len(head) > MAX_ELIDED or len(tail) < 3:
        return start, word
    return start + len(head) + 1, word[len(head) + 1:]


@cache
def _misspelt(base: str, lang: str, word: str, known_zipf: float) -> str | None:
    """None for a word to leave alone; else the suggestion. Every condition must hold for a
    flag, so the cheap ones are asked first: a frequency is a table lookup, a suggestion a
    scan of frequent words, Hunspell's affix and compound rules in pure Python cost
    milliseconds a word."""
    if len(word) < 3 or sum(c.isupper() for c in word) > 1:
        return None  # short words, acronyms, CamelCase brands
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(word, lang)
    if zipf >= known_zipf:
        # a word the language uses, whatever the dictionary says; unless it is a frequent
        # word without its diacritics ("situacion") or with the wrong ones ("trés"), or a
        # frequent word's common misspelling ("агенство")
        return _without_marks(base, lang, word, zipf) or _common_slip(base, lang, word, zipf)
    slip = False
    if word[:1].isupper() and zipf > 0.0:
        if not capitalises_nouns(lang):
            return None  # a capital: most likely a name somebody writes
        slip = True  # a German noun: flagged only one slip from a far more frequent one
    if _in_morphology(lang, word):
        return None  # (its lexicon is a fast lookup; the rest of _known is not)
    close = _suggestion(lang, word) or _replaced(_dictionary(base), lang, word)
    if close is None:
        return None  # a rare word (a drug, a coinage) more often than a slip of the keys
    if slip and (zipf_frequency(close, lang) - zipf < _margin("slip_margin")
                 or not one_slip(word.lower(), close)):
        return None
    if _known(_dictionary(base), lang, word):
        return None
    return close[:1].upper() + close[1:] if word[:1].isupper() else close


def _common_slip(base: str, lang: str, word: str, zipf: float) -> str | None:
    """A misspelling common enough for wordfreq to count it ("агенство" 3.2), one slip of the
    keys from a word `common_slip_margin` more frequent ("агентство" 4.4), that neither the
    dictionary nor the morphology's lexicon knows; a capitalised word is left alone (a name
    written another way)."""
    if not word[:1].islower() or zipf >= _margin("common_slip_zipf"):
        return None  # (a word this frequent is a word: the cheap test first)
    if _in_morphology(lang, word):
        return None
    close = _suggestion(lang, word)
    if close is None or not one_slip(word, close):
        return None
    from wordfreq import zipf_frequency

    if zipf_frequency(close, lang) - zipf < _margin("common_slip_margin") or \
            _known(_dictionary(base), lang, word):
        return None
    return close


def _margin(key: str) -> float:
    """configs/languages.toml `[spelling] slip_margin`, `marks_margin`, `short_head_zipf`,
    `common_slip_margin` or `common_slip_zipf`."""
    margin = _spelling_table().get(key, 2.0)
    if not isinstance(margin, (int, float)) or isinstance(margin, bool) or margin < 0:
        raise ConfigError(f"{config_path('languages.toml')}: [spelling] {key} must be a "
                          "number >= 0")
    return float(margin)


def _bare(word: str) -> str:
    """`word` without its diacritics ("situación" -> "situacion")."""
    return "".join(c for c in unicodedata.normalize("NFD", word)
                   if not unicodedata.combining(c))


@cache
def _marked(lang: str) -> dict[str, str]:
    """The language's frequent words that carry diacritics, by their bare form (the most
    frequent of those sharing one), where configs/languages.toml `[spelling] diacritics`
    lists the language (not Russian, whose "е" for "ё" is correct)."""
    langs = _spelling_table().get("diacritics", [])
    if not isinstance(langs, list):
        raise ConfigError(f"{config_path('languages.toml')}: [spelling] diacritics must be a "
                          "list of languages")
    if lang not in langs:
        return {}
    out: dict[str, str] = {}
    for w in _frequent_words(lang):
        bare = _bare(w)
        if bare != w:
            out.setdefault(bare, w)
    return out


def _without_marks(base: str, lang: str, word: str, zipf: float) -> str | None:
    """The marked word where `word` is a frequent one without its diacritics, or with
    others ("trés" for "très"), that the dictionary does not know; else None."""
    if not word[:1].islower():
        return None  # a capital: a name written without its marks ("Uber", "Muller")
    lower = word.lower()
    marked = _marked(lang).get(_bare(lower))
    if marked is None or marked == lower:
        return None
    from wordfreq import zipf_frequency

    if zipf_frequency(marked, lang) - zipf < _margin("marks_margin") or \
            _known(_dictionary(base), lang, word):
        return None
    return marked
