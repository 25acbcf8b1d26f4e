"""Word frequencies (wordfreq's Zipf scale) for any language, where wordfreq has them.

wordfreq covers 40-odd languages; some need a tokenizer package it does not install
(Japanese and Korean: MeCab), and others it lacks. Callers that weigh frequency as one
signal among others ask `zipf`, which says None there instead of raising, and
`missing(lang)` says what to install.
"""

from __future__ import annotations

from functools import cache, lru_cache


@cache
def missing(lang: str) -> str | None:
    """Why wordfreq has no frequencies for `lang` (None: it has them)."""
    try:
        from wordfreq import zipf_frequency

        zipf_frequency("a", lang, "small")  # (the small list: the whole one may not be needed)
    except ImportError as exc:
        return f"wordfreq needs {exc.name or 'a tokenizer'} for {lang} (pip install " \
               f"'wordfreq[{'mecab' if lang in ('ja', 'ko') else 'cjk'}]')"
    except LookupError:
        return f"wordfreq has no word list for {lang}"
    return None


@lru_cache(maxsize=500_000)
def zipf(word: str, lang: str, wordlist: str = "best") -> float | None:
    """The word's Zipf frequency in `lang` (0.0: unseen), or None where wordfreq has none.
    `wordlist="small"`: only words at least Zipf 3 or so, a tenth of the memory (about 3 MB
    against 30 for a language): for asking whether another language uses a word often."""
    if missing(lang) is not None:
        return None
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang, wordlist)
