"""CheckOptions: what a check is asked to do (a light module: the CLI reads its defaults)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tqcheck.translate.base import BackendSettings


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
    # A check that raises on a segment is an error (CheckFailedError) instead of a warning
    # and a note; the default follows $TQCHECK_STRICT=1 (the test suite runs strict). It
    # changes no result, so it is not among the settings a resumed run must share.
    strict: bool = field(default_factory=lambda: os.environ.get("TQCHECK_STRICT") == "1")
