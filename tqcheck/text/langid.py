"""Which language a text is in (lingua), among candidates; the detector is built once per set
of candidates and process."""

from __future__ import annotations

from functools import cache
from typing import Any

from tqcheck.config import config_file, config_path
from tqcheck.errors import ConfigError


@cache
def _detector(codes: tuple[str, ...], low_accuracy: bool = False) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, c.upper()) for c in codes if hasattr(IsoCode639_1, c.upper())]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def language_of(text: str, candidates: tuple[str, ...],
                low_accuracy: bool = False) -> tuple[str, float] | None:
    """(ISO 639-1 code, confidence) of the most likely of `candidates`, by lingua (in its
    low-accuracy mode: trigrams only, a fifteenth of the models to load, twice as fast)."""
    detector = _detector(tuple(sorted(set(candidates))), low_accuracy)
    values = detector.compute_language_confidence_values(text)
    if not values:
        return None
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), float(top.value)


@cache
def screen_confidence() -> float:
    """configs/languages.toml [language_id] screen_confidence (see there)."""
    value = (config_file("languages.toml").get("language_id") or {}).get("screen_confidence")
    if not isinstance(value, (int, float)) or not 0.0 < value <= 1.0:
        raise ConfigError(f"{config_path('languages.toml')}: [language_id] screen_confidence "
                          f"must be a number in (0, 1], found {value!r}")
    return float(value)


def plainly_in(text: str, lang: str, candidates: tuple[str, ...]) -> bool:
    """Whether lingua's low-accuracy mode already puts `text` in `lang` with at least
    `screen_confidence()`: then the full detector is not asked (most segments of a
    translation are in its language, and the full models cost 2 s to load and twice the
    time per text)."""
    found = language_of(text, candidates, low_accuracy=True)
    return found is not None and found[0] == lang and found[1] >= screen_confidence()


SAMPLE_CHARS = 2000  # enough text for a confident guess, little enough to be quick
MIN_SAMPLE_CHARS = 40


class SourceLanguage:
    """Whether the sources of one input are in the language the user named: the first
    sources (up to SAMPLE_CHARS) are pooled and identified once, among the profile's
    candidate languages; `mismatch()` says what they look like when it is another language
    at least `confidence` sure. A language lingua does not know is taken as named."""

    def __init__(self, claimed: str, candidates: tuple[str, ...], confidence: float) -> None:
        self.claimed, self.candidates, self.confidence = claimed, candidates, confidence
        self.sample: list[str] = []
        self.size = 0

    def add(self, source: str | None) -> bool:
        """Take one more source; True once the sample is full (time to ask `mismatch`)."""
        if source and self.size < SAMPLE_CHARS:
            self.sample.append(source)
            self.size += len(source) + 1
        return self.size >= SAMPLE_CHARS

    def mismatch(self) -> str | None:
        from lingua import IsoCode639_1

        if self.size < MIN_SAMPLE_CHARS or not hasattr(IsoCode639_1, self.claimed.upper()):
            return None
        found = language_of(" ".join(self.sample)[:SAMPLE_CHARS],
                            (self.claimed, *self.candidates))
        if found is None or found[0] == self.claimed or found[1] < self.confidence:
            return None
        return (f"the source looks like {found[0]} (confidence {found[1]:.2f}), not "
                f"{self.claimed} as --src-lang says; its checks compare it as "
                f"{self.claimed}")
