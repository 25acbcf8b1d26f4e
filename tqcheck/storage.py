"""SQLite files (run databases, the translation cache): opening them in the mode a command
needs, and the one guarded path every statement goes through.

A read command opens its file read-only and never changes it; only `score` creates one.
Every method of a class decorated with `guarded` runs its statements inside a guard that
turns any SQLite error (a damaged file, a full disk, a locked or unwritable file) into a
StorageError naming the file and saying what to do, never a traceback.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.request import pathname2url

from tqcheck.errors import TqcheckError

Mode = Literal["read", "write", "create"]
C = TypeVar("C", bound=type)


CACHE_HINT = ("; the translation cache can be moved (--cache-dir DIR, $TQCHECK_CACHE_DIR) "
              "or left out (--no-cache)")


class StorageError(TqcheckError):
    """A SQLite file cannot be used as it is (damaged, full disk, locked, unwritable)."""


def connect(path: Path, mode: Mode, what: str, timeout: float = 60.0,
            check_same_thread: bool = True) -> sqlite3.Connection:
    """`path` opened read-only (`read`), read-write without creating it (`write`), or
    created when missing (`create`); `what` names it in errors ("run database")."""
    uri = f"file:{pathname2url(str(path.absolute()))}?mode=" + {
        "read": "ro", "write": "rw", "create": "rwc"}[mode]
    try:
        return sqlite3.connect(uri, uri=True, timeout=timeout,
                               check_same_thread=check_same_thread)
    except sqlite3.Error as exc:
        raise explain(path, exc, what) from None


def explain(path: Path, exc: sqlite3.Error, what: str) -> StorageError:
    """What a SQLite error on `path` means to the user, and what to do about it."""
    text = str(exc)
    low = text.lower()
    if "disk is full" in low or "disk i/o error" in low:
        why = ("the disk is full (or the file is over a size limit); what was committed "
               "before is kept: free space and run the same command again")
    elif "not a database" in low or "malformed" in low or "no such table" in low \
            or "no such column" in low:
        why = f"not a tqcheck {what}, or a damaged one ({text})"
    elif "locked" in low or "busy" in low:
        why = f"another process holds the {what} ({text}); try again when it is done"
    elif "readonly" in low or "read-only" in low:
        why = f"the {what} is read-only ({text})"
    elif "unable to open" in low:
        why = (f"cannot open the {what}: its directory is missing or not writable, or the "
               "file is not readable")
    else:
        why = f"{what} error: {text}"
    return StorageError(f"{path}: {why}" + (CACHE_HINT if what == "translation cache" else ""))


def _wrap(fn: Callable[..., Any], what: str) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(self, *args, **kwargs)
            except sqlite3.Error as exc:
                raise explain(self.path, exc, what) from None
        return generator

    @functools.wraps(fn)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise explain(self.path, exc, what) from None
    return call


def guarded(what: str) -> Callable[[C], C]:
    """Class decorator: every method (and `__init__`) of a class with a `path` attribute
    turns SQLite errors into StorageErrors about `what` ("run database", "cache")."""
    def decorate(cls: C) -> C:
        for name, member in list(vars(cls).items()):
            if inspect.isfunction(member) and (name == "__init__" or not name.startswith("__")):
                setattr(cls, name, _wrap(member, what))
        return cls
    return decorate
