"""Which language a text is in (lingua), among candidates; the detector is built once per set
of candidates and process."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _detector(codes: tuple[str, ...]) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, c.upper()) for c in codes if hasattr(IsoCode639_1, c.upper())]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).build()


def language_of(text: str, candidates: tuple[str, ...]) -> tuple[str, float] | None:
    """(ISO 639-1 code, confidence) of the most likely of `candidates`, by lingua."""
    values = _detector(tuple(sorted(set(candidates)))).compute_language_confidence_values(text)
    if not values:
        return None
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), float(top.value)


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
