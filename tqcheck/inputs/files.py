"""What to read: input files found from the names a user gives (files, directories, stdin,
or text already in memory), their formats, and the line-aligned sources paired with them."""

from __future__ import annotations

import fnmatch
import hashlib
import io
import os
import stat
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tqcheck.errors import InputError
from tqcheck.types import Problem

AUTO = "auto"  # the format by the file's extension: .tsv, .jsonl/.ndjson, else text
FORMATS = (AUTO, "text", "tsv", "jsonl")
STDIN = "-"


@dataclass(frozen=True)
class InputFile:
    """One input; `source` is its line-aligned original (plain text only).

    `data` / `source_data` hold in-memory content (the library's `check_text`); otherwise
    the paths are read, `-` being standard input.
    """

    path: str  # as the user named it
    format: str
    source: str | None = None
    data: bytes | None = None
    source_data: bytes | None = None

    @property
    def has_source(self) -> bool:
        return self.source is not None or self.source_data is not None

    @property
    def size(self) -> int:
        """Bytes to read; 0 for a stream (unknown)."""
        if self.data is not None:
            return len(self.data)
        return Path(self.path).stat().st_size if self.rereadable else 0

    @property
    def rereadable(self) -> bool:
        """False for standard input and other streams (a pipe, `<(cmd)`): read once."""
        return self.data is not None or not is_stream(self.path)

    @property
    def source_rereadable(self) -> bool:
        return self.source_data is not None or (self.source is not None
                                                and not is_stream(self.source))

    def open(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        return sys.stdin.buffer if self.path == STDIN else open(self.path, "rb")

    def open_source(self) -> BinaryIO:
        if self.source_data is not None:
            return io.BytesIO(self.source_data)
        if self.source is None:
            raise ValueError(f"{self.path} has no source")
        return open(self.source, "rb")

    @classmethod
    def in_memory(cls, name: str, text: str, source: str | None = None) -> InputFile:
        def raw(s: str) -> bytes:  # undecodable bytes read with surrogateescape go back as is
            return s.encode("utf-8", "surrogateescape")

        return cls(name, "text", source="<source>" if source is not None else None,
                   data=raw(text), source_data=raw(source) if source is not None else None)


def file_digest(f: InputFile) -> str | None:
    """sha256 of the input's bytes (None for a stream, which cannot be read again, or a file
    that cannot be read: the reader has reported it)."""
    if not f.rereadable:
        return None
    h = hashlib.sha256()
    try:
        with f.open() as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def is_stream(path: str) -> bool:
    """True for `-` and for an existing path that is neither a file nor a directory (a
    pipe, `<(cmd)`, /dev/stdin): something that can be read only once."""
    if path == STDIN:
        return True
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def kind_of(path: Path) -> str | None:
    """What a path that is neither a regular file nor a directory is ('a FIFO'...), or None
    when it does not exist."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    for test, what in ((stat.S_ISFIFO, "a pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return what
    return "not a regular file"


def format_of(path: str, fmt: str) -> str:
    if fmt != AUTO:
        return fmt
    suffix = Path(path).suffix.lower()
    return {".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(suffix, "text")


def printable(path: str) -> str:
    """A file name as text that can be printed and stored: bytes that are not UTF-8 (kept
    by Python as surrogates) shown as \\xNN."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _not_utf8_name(path: str, skipped: list[Problem] | None) -> bool:
    """True (and the file added to `skipped`) when its name cannot be stored or printed."""
    if printable(path) == path:
        return False
    if skipped is not None:
        skipped.append(Problem(printable(path), 0, "the file name is not UTF-8; rename the "
                                                   "file to check it; skipped"))
    return True


def discover(inputs: list[str], glob: str | None = None, fmt: str = AUTO,
             source: str | None = None, exclude: Collection[str] = (),
             skipped: list[Problem] | None = None) -> list[InputFile]:
    """The files to read, in a stable order: files as given, directories recursively.

    With `source`, a plain-text input file is paired with that file, and an input directory
    with the file at the same relative path under the source directory. A pipe or character
    device named as such (`<(cmd)`, a FIFO, /dev/stdin) is read once as a stream, like `-`.
    Files whose resolved path is in `exclude` (the run database's) are left out; a file in
    a directory whose name is not UTF-8 is left out and added to `skipped`.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown input format {fmt!r}; use one of {', '.join(FORMATS)}")
    found: list[InputFile] = []
    seen: set[str] = set()
    src = Path(source) if source else None
    for name in inputs:
        if name == STDIN:
            found.append(InputFile(STDIN, "text" if fmt == AUTO else fmt,
                                   str(src) if src else None))
            continue
        p = Path(name)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                if os.path.realpath(f) in exclude:
                    continue
                if _not_utf8_name(str(f), skipped):
                    continue
                rel = f.relative_to(p)
                if glob and not fnmatch.fnmatch(rel.as_posix(), glob) \
                        and not fnmatch.fnmatch(f.name, glob):
                    continue
                if str(f) not in seen:
                    seen.add(str(f))
                    found.append(InputFile(str(f), format_of(str(f), fmt),
                                           str(src / rel) if src else None))
        elif p.is_file():
            if _not_utf8_name(str(p), skipped):
                continue
            if str(p) not in seen:
                seen.add(str(p))
                found.append(InputFile(str(p), format_of(str(p), fmt), str(src) if src else None))
        else:
            what = kind_of(p)
            if what is None:
                raise InputError(f"{name}: no such file or directory")
            if what not in ("a pipe", "a character device"):
                raise InputError(f"{name}: is {what}, not a text file")
            found.append(InputFile(name, format_of(name, fmt), str(src) if src else None))
    if src is not None and any(f.format != "text" for f in found):
        raise InputError("--source pairs plain-text files only; TSV and JSONL inputs carry "
                         "their source in a `source` column")
    return found
