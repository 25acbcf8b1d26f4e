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
    """A configured model cannot be loaded (not downloaded, offline, or a bad directory).

    `fix` says what makes it loadable; `local` is True for a --models-dir directory (its
    fix is in the directory, not a download).
    """

    def __init__(self, pair: str, model_id: str, reason: str = "", fix: str | None = None,
                 local: bool = False) -> None:
        self.pair, self.model_id, self.reason, self.local = pair, model_id, reason, local
        # A local directory is fixed there; the hub's model by (re)downloading it.
        self.fix = fix or (
            f"the files in {model_id} are not a loadable Marian model: replace them with a "
            f"complete saved one (`model.save_pretrained({model_id!r})` and the tokenizer's "
            "`save_pretrained`)" if local else
            f"run `tqcheck models pull {pair}` while online (downloads into the Hugging Face "
            "cache)")
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"model for {pair} is not available: {model_id}{why}.\n"
            f"  Fix: {self.fix},\n"
            f"  or pass --models-dir DIR (or set TQCHECK_MODELS_DIR) where DIR/{pair}/ holds "
            f"a saved transformers Marian model; --model-free runs the checks that need none."
        )


class ModelsMissingError(TqcheckError):
    """Several models of a run cannot be loaded: all are named at once, each with its fix,
    so that one round of downloads is enough."""

    def __init__(self, missing: list[ModelNotFoundError]) -> None:
        self.missing = missing
        lines = [f"{len(missing)} models of this run are not available:"]
        for m in missing:
            why = f": {m.reason}" if m.reason else ""
            lines += [f"  {m.pair}  {m.model_id}{why}", f"      fix: {m.fix}"]
        pairs = " ".join(m.pair for m in missing if not m.local)
        if pairs:
            lines.append(f"Download them at once with `tqcheck models pull {pairs}` while "
                         "online,")
        lines.append("or pass --models-dir DIR (or set TQCHECK_MODELS_DIR) where DIR/<pair>/ "
                     "holds a saved transformers Marian model; --model-free runs the checks "
                     "that need no model.")
        super().__init__("\n".join(lines))


class DeviceError(TqcheckError):
    """A requested device (e.g. CUDA) is not present."""


def describe(exc: BaseException, limit: int = 600) -> str:
    """An exception's message on one line, whole up to `limit` characters and otherwise cut
    at a word boundary (a library's advice is kept readable, never cut mid-word)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


class CheckFailedError(TqcheckError):
    """A check raised on a segment and the run is strict (`--strict`, `TQCHECK_STRICT=1`):
    the failure is an error instead of a warning."""
