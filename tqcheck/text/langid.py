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
