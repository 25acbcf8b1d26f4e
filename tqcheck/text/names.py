"""Names: capitalised words inside a sentence, in a segment and across a document; the script
a word is written in. Shared by the checks that compare names, spell words or find copied
text."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from tqcheck.text.align import Word, words
from tqcheck.text.lexicon import capitalises_nouns

# What may stand before a sentence's first word: its capital says nothing there. (A word
# after a bracket or a dash keeps its capital for a reason: "(Reuters)", "— Kyiv".)
_OPENERS = frozenset(".!?:;\"“”‘'«»•*\n")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def script_of(text: str) -> str:
    """The script of the first letter of `text` (LATIN, CYRILLIC, CJK...), "" without one."""
    for ch in text:
        if ch.isalpha():
            return unicodedata.name(ch, "").split(" ", 1)[0]
    return ""


def names(text: str, lang: str) -> list[Word]:
    """Capitalised words inside a sentence: names, in a language that capitalises only names
    (none in German, where every noun has a capital, nor in a headline in capitals)."""
    if capitalises_nouns(lang):
        return []
    ws = [w for w in words(text) if w.text[:1].isalpha()]
    if len(ws) >= 4 and sum(w.text.isupper() and len(w.text) > 1 for w in ws) * 2 > len(ws):
        return []  # a headline in capitals: they mark no names (title case is compared
        # case-insensitively, so its capitals match the lower-case words of the other side)
    out = []
    for w in ws:
        if not (w.text[:1].isupper() and w.text[:1].isalpha() and len(w.text) > 1):
            continue
        i = w.start - 1
        while i >= 0 and text[i].isspace():
            i -= 1
        if i < 0 or text[i] in _OPENERS:
            continue  # sentence-initial: any word has a capital there
        out.append(w)
    return out


def document_names(texts: Iterable[str]) -> frozenset[str]:
    """Lower-cased words written capitalised inside a sentence somewhere in `texts`: the
    names of a document, also where one starts a sentence."""
    found = set()
    for text in texts:
        for m in _WORD.finditer(text):
            word = m.group()
            if word[0].isupper() and not sentence_start(text, m.start()):
                found.add(word.lower())
    return frozenset(found)


def repeated_words(texts: Iterable[str], segments: int = 2) -> frozenset[str]:
    """Lower-cased words that at least `segments` of `texts` write: a document's names and
    terms. A slip of the keys is made once; a word written the same way in several
    sentences is meant (a name the dictionaries lack, "Schladow", or a term)."""
    seen: Counter[str] = Counter()
    for text in texts:
        seen.update({m.group().lower() for m in _WORD.finditer(text)})
    return frozenset(w for w, n in seen.items() if n >= segments)


def sentence_start(text: str, at: int) -> bool:
    """Whether the word at `at` starts a sentence (its capital marks no name)."""
    before = text[:at].rstrip(" \t\"'“‘«(—–-")
    return not before or before[-1] in ".!?:;…"


def letter_words(text: str) -> list[str]:
    """The words of `text` made of letters (apostrophes inside), as spell checkers see them."""
    return _WORD.findall(text)
