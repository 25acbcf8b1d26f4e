"""tqcheck: find the awkward and lossy sentences in a machine translation.

Heavy dependencies (torch, transformers) are imported lazily so that `tqcheck --help`
and the model-free parts stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from tqcheck.check.checker import Checker, CheckOptions, check_text

__all__ = ["CheckOptions", "Checker", "__version__", "check_text"]


def __getattr__(name: str) -> Any:
    if name in {"Checker", "CheckOptions", "check_text"}:
        from tqcheck.check import checker

        return getattr(checker, name)
    raise AttributeError(f"module 'tqcheck' has no attribute {name!r}")
