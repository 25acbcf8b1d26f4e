""""Toy": a synthetic language defined by a deterministic mapping from English.

It exists so that tests and benchmarks have translation models that really translate
without downloading opus-mt weights: a model pair en<->toy small enough to train on a CPU.

The mapping, word by word (words are runs of letters and apostrophes):
1. Function words come from a fixed lexicon (`the` -> `ka`, `of` -> `du`, ...).
2. Every other word is enciphered letter by letter: vowels rotate among vowels
   (a->o, e->a, i->e, o->u, u->i) and consonants among consonants (b->d, c->f, ...), so word
   pieces map to word pieces and a model can translate words it never saw.
3. Capitalised words that do not start the sentence are names and stay as they are.
4. Reordering: a determiner (the, a, an, this, that, these, those) moves after the word
   that follows it: "the talks failed" -> "taksz ka foelat" (each word enciphered).
Numbers, punctuation and spacing between kept tokens are unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONSONANTS = "bcdfghjklmnpqrstvwxyz"

LEXICON: dict[str, str] = {
    "the": "ka", "a": "u", "an": "u", "of": "du", "and": "ni", "to": "te", "in": "mi",
    "is": "es", "was": "eso", "are": "ro", "were": "roso", "that": "sel", "this": "tis",
    "these": "tisi", "those": "seli", "it": "lo", "for": "pur", "on": "su", "with": "kon",
    "as": "os", "be": "bi", "by": "pa", "at": "ad", "not": "nek", "or": "ou", "from": "de",
    "we": "nos", "i": "jo", "you": "tu", "he": "il", "she": "ela", "they": "ils",
}
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
CIPHER: dict[str, str] = {"a": "o", "e": "a", "i": "e", "o": "u", "u": "i"} | {
    c: _CONSONANTS[(k + 1) % len(_CONSONANTS)] for k, c in enumerate(_CONSONANTS)
}
_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+(?:[.,:]\d+)*|\S")
_OPENERS = frozenset('.!?:"“(')


@dataclass(frozen=True)
class Aligned:
    """A toy sentence with the character span of each English word's toy counterpart."""

    text: str
    spans: list[tuple[tuple[int, int], tuple[int, int]]]  # ((en_start, en_end), (toy_s, toy_e))


def encipher(word: str) -> str:
    out = "".join(CIPHER.get(c.lower(), c) for c in word)
    return out.capitalize() if word[:1].isupper() else out


def toy_word(word: str, sentence_initial: bool) -> str:
    lower = word.lower()
    if word[:1].isupper() and not sentence_initial:
        return word  # a name
    mapped = LEXICON.get(lower) or encipher(lower)
    return mapped.capitalize() if word[:1].isupper() else mapped


def to_toy_aligned(text: str) -> Aligned:
    """Translate English to toy, keeping which toy span each English word became."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    out: list[tuple[str, int, int]] = []  # toy token, en_start, en_end
    initial = True
    for tok, s, e in tokens:
        if tok[0].isalpha():
            out.append((toy_word(tok, initial), s, e))
            initial = False
        else:
            out.append((tok, s, e))
            initial = initial or tok in _OPENERS
    # Reordering: a determiner moves after the next word.
    i = 0
    while i < len(out) - 1:
        if text[out[i][1]:out[i][2]].lower() in DETERMINERS and out[i + 1][0][0].isalpha():
            det, nxt = out[i], out[i + 1]
            cap = text[det[1]].isupper()
            out[i] = (nxt[0].capitalize() if cap else nxt[0], nxt[1], nxt[2])
            out[i + 1] = (det[0].lower() if cap else det[0], det[1], det[2])
            i += 2
        else:
            i += 1
    # Spacing between positions is the original's: swaps keep the text's rhythm.
    pieces: list[str] = [text[: tokens[0][1]]] if tokens else [text]
    spans = []
    pos = len(pieces[0])
    for k, (tok, s, e) in enumerate(out):
        if k > 0:
            sep = text[tokens[k - 1][2]:tokens[k][1]]
            pieces.append(sep)
            pos += len(sep)
        spans.append(((s, e), (pos, pos + len(tok))))
        pieces.append(tok)
        pos += len(tok)
    if tokens:
        pieces.append(text[tokens[-1][2]:])
    return Aligned("".join(pieces), spans)


def to_toy(text: str) -> str:
    """Translate English text to toy, line by line."""
    return "\n".join(to_toy_aligned(line).text for line in text.split("\n"))
