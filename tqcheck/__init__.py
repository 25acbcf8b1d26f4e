"""tqcheck: find the awkward and lossy sentences in a machine translation.

Heavy dependencies (torch, transformers) are imported lazily so that `tqcheck --help`
and the model-free parts stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from tqcheck.check.checker import Checker
    from tqcheck.check.document import check_file, check_text
    from tqcheck.check.options import CheckOptions

__all__ = ["CheckOptions", "Checker", "__version__", "check_file", "check_text"]
_LAZY = {"Checker": "tqcheck.check.checker", "CheckOptions": "tqcheck.check.options",
         "check_file": "tqcheck.check.document", "check_text": "tqcheck.check.document"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tqcheck' has no attribute {name!r}")
