"""Slips of the keys: a letter left out, added or changed, or two swapped. A misspelling is
most often one slip from the word meant, so the checks that look for the meant word (spelling
suggestions, a real word in the place of another) ask these."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache


def one_slip(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by one letter left out, added, changed, or two swapped
    ("Gewin" -> "Gewinn"; not "Parlamentär" -> "Parlament", a word of its own)."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
             min(len(a), len(b)))
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1])
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1:] == shorter[i:]


@cache
def alphabet(lang: str) -> str:
    """The letters of the language's frequent words (wordfreq), for one-slip variants."""
    from wordfreq import top_n_list

    return "".join(sorted({c for w in top_n_list(lang, 5000) for c in w if c.isalpha()}))


def slips(word: str, letters: str) -> set[str]:
    """Every word one slip from `word` (lower case): a letter left out, added or changed,
    two swapped."""
    w = word.lower()
    out = {w[:i] + w[i + 1:] for i in range(len(w))}
    out |= {w[:i] + w[i + 1] + w[i] + w[i + 2:] for i in range(len(w) - 1)}
    for i in range(len(w) + 1):
        out |= {w[:i] + c + w[i:] for c in letters}
        if i < len(w):
            out |= {w[:i] + c + w[i + 1:] for c in letters}
    out.discard(w)
    return out


def meant(word: str, lang: str, least: float, fits: Callable[[str], bool]) -> str | None:
    """The most frequent word one slip from `word` that the language uses at least `least`
    (wordfreq Zipf) and that `fits` the place ("прибыль" after "большую"): the word meant
    where a slip made another real word, which a dictionary passes."""
    from tqcheck.text.frequency import zipf

    found = [(z, v) for v in slips(word, alphabet(lang))
             if (z := zipf(v, lang) or 0.0) >= least and fits(v)]
    return max(found)[1] if found else None
