"""tqcheck: find the awkward and lossy sentences in a machine translation.

Heavy dependencies (torch, transformers) are imported lazily so that `tqcheck --help`
and the model-free parts stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tqcheck.version import __version__

if TYPE_CHECKING:
    from tqcheck.check.options import CheckOptions
    from tqcheck.pipeline.checker import Checker
    from tqcheck.pipeline.document import check_file, check_text

__all__ = ["CheckOptions", "Checker", "__version__", "check_file", "check_text"]
_LAZY = {"Checker": "tqcheck.pipeline.checker", "CheckOptions": "tqcheck.check.options",
         "check_file": "tqcheck.pipeline.document", "check_text": "tqcheck.pipeline.document"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tqcheck' has no attribute {name!r}")
