"""Bilingual word evidence without a translation model: which words of a text have a
counterpart in its source, by the dictionaries a distribution ships.

- FreeDict (Debian `dict-freedict-SRC-TGT`, dictd format in /usr/share/dictd): both
  directions where installed, the source language's dictionary into the target's and the
  target's back into the source's.
- The `cedict` package's English-Chinese word list, for Chinese and English.

A target word has a counterpart when a source word's translation matches it (equal, an
inflection: a common stem, or a compound containing it: "Flüchtling" in
"Flüchtlingshotel"), when the word itself is in the source (names, numbers, cognates sharing
a stem), or when its own translation back into the source language is in the source. What
the dictionaries do not list is unknown, not wrong: these are candidates that the learned
span decision (tqcheck/check/spanmodel.py) weighs, never verdicts by themselves.
Dictionaries are read once per process; entries are parsed on first use.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

from tqcheck.config import config_file, config_path, search_folders
from tqcheck.errors import ConfigError
from tqcheck.text.align import Word, words
from tqcheck.text.frequency import zipf

# Where dictd dictionaries are looked for: $TQCHECK_DICTD_PATH (os.pathsep-separated), then
# Debian's place.
DICTD = ("/usr/share/dictd",)
_B64 = {c: i for i, c in enumerate(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_ANNOTATION = re.compile(r"<[^>]*>|\[[^\]]*\]|\{[^}]*\}|\([^)]*\)|/[^/\n]*/")
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class BilingualSettings:
    """configs/languages.toml `[bilingual]`."""

    codes: dict[str, str]  # ISO 639-1 -> the ISO 639-3 code FreeDict names files with
    cedict: tuple[str, ...]  # language pairs ("zh-en") the cedict word list serves
    function_zipf: float  # a word this frequent (wordfreq) is a function word
    stem_slack: int  # an inflection may differ in this many final letters
    min_stem: int  # ... and shares at least this many first letters
    min_compound_part: int  # a translation this long counts inside a compound
    cjk_particles: str  # Chinese characters that carry grammar, not meaning, in a gloss
    endings: dict[str, tuple[tuple[str, str], ...]]  # inflection -> headword ending, by lang


@cache
def settings() -> BilingualSettings:
    table = config_file("languages.toml").get("bilingual")
    where = f"{config_path('languages.toml')}: [bilingual]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} is missing")
    try:
        return BilingualSettings(
            codes={str(k): str(v) for k, v in table["codes"].items()},
            cedict=tuple(table.get("cedict", ())),
            function_zipf=float(table["function_zipf"]),
            stem_slack=int(table["stem_slack"]),
            min_stem=int(table["min_stem"]),
            min_compound_part=int(table["min_compound_part"]),
            cjk_particles=str(table.get("cjk_particles", "")),
            endings={str(lang): tuple((str(a), str(b)) for a, b in pairs)
                     for lang, pairs in table.get("endings", {}).items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{where}: {exc!r}") from None


class Dictionary(Protocol):
    """A one-way word dictionary: a word's translations, as lower-case words."""

    name: str

    def translations(self, word: str) -> frozenset[str]: ...


def _dictd_file(name: str, suffix: str) -> Path | None:
    for folder in search_folders("TQCHECK_DICTD_PATH", DICTD):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def _b64(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + _B64[c]
    return n


_FILLER = frozenset("etw jdm jdn jds sich sth sb someone something one's oneself qn qch "
                    "algo alguien".split())


class DictdDictionary:
    """A dictd dictionary (FreeDict's TEI exports): headword -> the words of its senses."""

    def __init__(self, name: str, index: Path, data: Path) -> None:
        self.name = name
        self.entries: dict[str, list[tuple[int, int]]] = {}
        with index.open(encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3 and not parts[0].startswith("00-database"):
                    key = _headword(parts[0])
                    if key:
                        self.entries.setdefault(key, []).append((_b64(parts[1]), _b64(parts[2])))
        with gzip.open(data, "rb") if data.suffix == ".dz" else data.open("rb") as f:
            self.data = f.read()

    @lru_cache(maxsize=200_000)  # noqa: B019 (one instance per dictionary and process)
    def translations(self, word: str) -> frozenset[str]:
        out: set[str] = set()
        for offset, length in self.entries.get(word.lower(), ()):
            body = self.data[offset:offset + length].decode("utf-8", "replace")
            for line in body.split("\n")[1:]:
                stripped = line.strip()
                if (not stripped or line.startswith("   ") or stripped.startswith(
                        ("see:", "Note:", "Synonym:", "Antonym:"))):
                    continue  # examples, cross-references and notes are not senses
                for piece in _ANNOTATION.sub(" ", stripped).split(","):
                    out.update(w for w in _LETTERS.findall(piece.lower())
                               if len(w) >= 2 and w not in _FILLER)
        return frozenset(out)


def _headword(raw: str) -> str:
    """A single-word headword, lower case ("say sth." -> "say"); "" for phrases."""
    kept = [w for w in _LETTERS.findall(raw.lower()) if w not in _FILLER and w != "to"]
    return kept[0] if len(kept) == 1 else ""


class CedictDictionary:
    """The `cedict` package's English-Chinese word list: an English word -> the Chinese runs
    of its glosses (found in a Chinese source as substrings)."""

    def __init__(self, path: Path) -> None:
        self.name = "cedict"
        self.glosses: dict[str, tuple[str, ...]] = {}
        with path.open(encoding="utf-8") as f:
            for row in csv.reader(f):
                if len(row) == 2 and row[0] != "word":
                    runs = tuple(_CJK.findall(row[1]))
                    if runs:
                        self.glosses[row[0].lower()] = runs

    @lru_cache(maxsize=200_000)  # noqa: B019 (one instance per process)
    def translations(self, word: str) -> frozenset[str]:
        return frozenset(self.glosses.get(word.lower(), ()))


@dataclass(frozen=True)
class Coverage:
    """Per content word of each side, whether it has a counterpart on the other."""

    target: list[tuple[Word, bool]]
    source: list[tuple[Word, bool]]  # for a source without spaces (Chinese): its characters

    def ratio(self, side: str) -> float | None:
        """The share of content words without a counterpart (None: none counted)."""
        pairs = self.target if side == "target" else self.source
        return sum(not ok for _, ok in pairs) / len(pairs) if pairs else None


def forms(word: str, lang: str) -> list[str]:
    """The headwords an inflected word may have in a dictionary ("refugees" -> "refugee"),
    by the language's endings in configs/languages.toml `[bilingual.endings]`."""
    w = word.lower()
    out = [w]
    for ending, replacement in settings().endings.get(lang, ()):
        if w.endswith(ending) and len(w) - len(ending) >= 3:
            out.append(w[:-len(ending)] + replacement)
    return out


class Evidence:
    """The dictionaries between a source and a target language, and the coverage they give."""

    def __init__(self, src: str, tgt: str, forward: Dictionary | None,
                 backward: Dictionary | None) -> None:
        self.src, self.tgt = src, tgt
        self.forward, self.backward = forward, backward
        self.cfg = settings()

    @property
    def names(self) -> list[str]:
        return [d.name for d in (self.forward, self.backward) if d is not None]

    def _content(self, ws: Iterable[Word], lang: str) -> list[Word]:
        # numbers are the number checks' (meaning:number, rules:numbers); without wordfreq's
        # frequencies for the language, every word counts (no function words known)
        return [w for w in ws if not w.is_punct and not any(c.isdigit() for c in w.text)
                and len(w.text) >= 2
                and (zipf(w.text, lang) or 0.0) < self.cfg.function_zipf]

    def _similar(self, a: str, b: str) -> bool:
        """Inflections of one stem, or `b` inside a compound `a`."""
        if a == b:
            return True
        n = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            n += 1
        if n >= self.cfg.min_stem and n >= max(len(a), len(b)) - self.cfg.stem_slack:
            return True
        return len(b) >= self.cfg.min_compound_part and b in a

    def coverage(self, source: str, text: str) -> Coverage:
        cjk_source = bool(_CJK.search(source)) and not _CJK.search(text)
        tgt_words = self._content(words(text), self.tgt)
        src_words = ([Word(c, m.start() + i, m.start() + i + 1) for m in _CJK.finditer(source)
                      for i, c in enumerate(m.group())] if cjk_source
                     else self._content(words(source), self.src))
        src_lower = source.lower()
        # what each source word may become in the target
        wanted: list[tuple[str, int]] = []
        if self.forward is not None and not cjk_source:
            for k, w in enumerate(src_words):
                for form in forms(w.text, self.src):
                    wanted += [(t, k) for t in self.forward.translations(form)]
        tgt_ok: list[tuple[Word, bool]] = []
        src_hit: set[int] = set()
        for w in tgt_words:
            low = w.norm
            found = False
            for k, s in enumerate(src_words):  # the word itself: a name, a number, a cognate
                if not cjk_source and self._similar(low, s.norm):
                    src_hit.add(k)
                    found = True
            for t, k in wanted:
                if self._similar(low, t):
                    src_hit.add(k)
                    found = True
            if self.backward is not None:
                for form in forms(w.text, self.tgt):
                    for back in self.backward.translations(form):
                        where = self._in_source(back, src_lower, cjk_source)
                        if where:
                            found = True
                            if cjk_source:
                                src_hit.update(k for k, s in enumerate(src_words)
                                               if s.start in where)
                            else:
                                src_hit.update(k for k, s in enumerate(src_words)
                                               if self._similar(s.norm, back))
            tgt_ok.append((w, found))
        return Coverage(tgt_ok, [(s, k in src_hit) for k, s in enumerate(src_words)])

    def _in_source(self, back: str, source: str, cjk: bool) -> set[int]:
        """Where a back-translation occurs in the source (character offsets), if it does: its
        stem; for Chinese, its meaningful characters, when the source holds half of them."""
        if cjk:
            # Chinese words share characters across inflection-like compounds ("受伤" in
            # "受轻伤", "房间" and "房内"): half the gloss's meaningful characters suffice
            chars = [c for c in back if c not in self.cfg.cjk_particles]
            at = {i for i, c in enumerate(source) if c in chars}
            hits = {c for c in chars if c in source}
            return at if chars and 2 * len(hits) >= len(chars) else set()
        if len(back) < 3:
            return set()
        i = source.find(back[:max(3, len(back) - self.cfg.stem_slack)])
        return set(range(i, i + len(back))) if i >= 0 else set()


def _cedict_path() -> Path | None:
    from importlib.util import find_spec

    spec = find_spec("cedict")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "csv" / "EnWords.csv"
    return path if path.is_file() else None


def _freedict(src: str, tgt: str) -> DictdDictionary | None:
    codes = settings().codes
    if src not in codes or tgt not in codes:
        return None
    name = f"freedict-{codes[src]}-{codes[tgt]}"
    index, data = _dictd_file(name, ".index"), _dictd_file(name, ".dict.dz")
    if index is None or data is None:
        return None
    return DictdDictionary(name, index, data)


@cache
def evidence(src: str, tgt: str) -> Evidence | None:
    """The dictionaries installed between `src` and `tgt` (read once per process), or None."""
    pair = f"{src}-{tgt}"
    if pair in settings().cedict:
        path = _cedict_path()
        if path is None:
            return None
        # the word list goes from English: it translates the English text's words back
        return Evidence(src, tgt, None, CedictDictionary(path))
    forward, backward = _freedict(src, tgt), _freedict(tgt, src)
    if forward is None and backward is None:
        return None
    return Evidence(src, tgt, forward, backward)


def missing(src: str, tgt: str) -> str | None:
    """What to install for bilingual evidence between `src` and `tgt` (None: installed),
    without reading a dictionary."""
    pair = f"{src}-{tgt}"
    if pair in settings().cedict:
        return None if _cedict_path() is not None else "pip install cedict"
    codes = settings().codes
    if src not in codes or tgt not in codes:
        return (f"no bilingual dictionary is known for {pair} (configs/languages.toml "
                "[bilingual] codes)")
    if any(_dictd_file(f"freedict-{a}-{b}", ".index") is not None
           for a, b in ((codes[src], codes[tgt]), (codes[tgt], codes[src]))):
        return None
    return (f"apt-get install dict-freedict-{codes[src]}-{codes[tgt]} (or "
            f"dict-freedict-{codes[tgt]}-{codes[src]}), or set TQCHECK_DICTD_PATH")
