"""Exceptions raised by the library; the CLI turns them into exit code 2 and one message."""

from __future__ import annotations


class TqcheckError(Exception):
    """Base class: an error the user can fix, reported without a traceback."""


class InputError(TqcheckError):
    """The input text (or source) cannot be used as given."""


class ConfigError(TqcheckError):
    """A configuration file is missing or malformed."""


class UnsupportedPairError(TqcheckError):
    """No model is configured or present for a language pair."""


class ModelNotFoundError(TqcheckError):
    """A configured model cannot be loaded (not downloaded, offline, or a bad directory)."""

    def __init__(self, pair: str, model_id: str, reason: str = "") -> None:
        self.pair = pair
        self.model_id = model_id
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"model for {pair} is not available: {model_id}{why}.\n"
            f"  Fix: run `tqcheck models pull {pair}` while online (downloads into the "
            f"Hugging Face cache),\n"
            f"  or pass --models-dir DIR (or set TQCHECK_MODELS_DIR) where DIR/{pair}/ holds "
            f"a saved transformers Marian model."
        )


class DeviceError(TqcheckError):
    """A requested device (e.g. CUDA) is not present."""
