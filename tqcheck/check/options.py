"""CheckOptions: what a check is asked to do (a light module: the CLI reads its defaults)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tqcheck.translate.base import BackendSettings


@dataclass(frozen=True)
class Budget:
    """How much model time a check spends (the cascade): the model passes check the share
    `fraction` of the segments that the model-free screening ranks riskiest (with every
    segment it finds a meaning-critical flag in), or, `fraction` None ("auto"), the
    segments the learned span decision of the ranking profile (configs/score.toml
    [cascade]) puts in its medium and high risk bands, and those."""

    fraction: float | None = None

    def __post_init__(self) -> None:
        if self.fraction is not None and not 0.0 < self.fraction <= 1.0:
            raise ValueError(f"a budget is a share of the segments in (0, 1], found "
                             f"{self.fraction!r}")

    @classmethod
    def parse(cls, text: str) -> Budget:
        """"auto", a fraction ("0.3") or a percentage ("30%")."""
        value = text.strip().lower()
        if value == "auto":
            return cls(None)
        try:
            fraction = float(value[:-1]) / 100 if value.endswith("%") else float(value)
        except ValueError:
            raise ValueError(f"{text!r} is not a budget: auto, a fraction (0.3) or a "
                             "percentage (30%)") from None
        return cls(fraction)

    def __str__(self) -> str:
        return "auto" if self.fraction is None else f"{self.fraction:g}"


@dataclass(frozen=True)
class CheckOptions:
    """Everything that changes results; also the source of the signature."""

    lang: str = "en"
    src_lang: str | None = None
    pivots: tuple[str, ...] = ()  # empty: the configured default for `lang`
    profile: str = "default"
    models_dir: str | None = None
    backend: BackendSettings = field(default_factory=BackendSettings)
    language_id: bool = True  # whole-segment language identification (lingua)
    model_free: bool = False  # rules and sentence similarity only: no translation model
    similarity: bool = True  # USE similarity of source and text, when there is a source
    dialect: str | None = None  # English spelling accepted; None: the profile's
    dictionaries: tuple[str, ...] = ()  # word files added to the profile's
    checklists: tuple[str, ...] = ()  # checklists added to the profile's
    budget: Budget | None = None  # the cascade (pipeline/cascade.py); None: models on all
    beams: int | None = None  # beam size of the translations; None: configs/models.toml's
    # A check that raises on a segment is an error (CheckFailedError) instead of a warning
    # and a note; the default follows $TQCHECK_STRICT=1 (the test suite runs strict). It
    # changes no result, so it is not among the settings a resumed run must share.
    strict: bool = field(default_factory=lambda: os.environ.get("TQCHECK_STRICT") == "1")
