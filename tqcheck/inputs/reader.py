"""Streaming a corpus for batch scoring: files, directories, stdin; text, TSV and JSONL.

Everything is read line by line, so memory does not grow with the corpus. Each unit of
work is an `Item` (one segment, with the file and document it came from and its ordinal in
the file). Input that cannot be used (bad bytes, a TSV row without its columns, a binary
file, an overlong line) becomes a `Problem` naming the file and line; the rest is scored.
Ordinals are deterministic, which is what lets an interrupted run resume.
"""

from __future__ import annotations

import fnmatch
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from tqcheck.errors import InputError
from tqcheck.inputs.segment import InputText, segment_parallel, segment_text
from tqcheck.types import Segment

FORMATS = ("auto", "text", "tsv", "jsonl")
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Problem:
    """Input that was skipped (or only partly used), with where it is."""

    path: str
    line: int  # 0: the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else \
            f"{self.path}: {self.message}"


@dataclass(frozen=True)
class InputFile:
    """One file to score; `source` is its line-aligned original (plain text only)."""

    path: str  # as the user named it ("-" for stdin)
    format: str
    source: Path | None = None

    @property
    def size(self) -> int:
        return 0 if self.path == "-" else Path(self.path).stat().st_size


@dataclass(frozen=True)
class Item:
    """One segment to score. `byte_end` is how far into the file reading has got."""

    path: str
    ordinal: int  # position in the file, from 0; the resume key together with the path
    doc: str
    seg_id: str  # the input's `id` column, else the ordinal
    segment: Segment
    byte_end: int


@dataclass(frozen=True)
class CorpusSettings:
    lang: str
    src_lang: str | None
    max_segment_chars: int
    max_line_chars: int


def format_of(path: str, fmt: str) -> str:
    if fmt != "auto":
        return fmt
    suffix = Path(path).suffix.lower()
    return {".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(suffix, "text")


def discover(inputs: list[str], glob: str | None = None, fmt: str = "auto",
             source: str | None = None) -> list[InputFile]:
    """The files to score, in a stable order: files as given, directories recursively.

    With `source`, a plain-text input file is paired with that file, and an input directory
    with the file at the same relative path under the source directory.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown input format {fmt!r}; use one of {', '.join(FORMATS)}")
    found: list[InputFile] = []
    seen: set[str] = set()
    src = Path(source) if source else None
    for name in inputs:
        if name == "-":
            found.append(InputFile("-", "text" if fmt == "auto" else fmt, src))
            continue
        p = Path(name)
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                rel = f.relative_to(p)
                if glob and not fnmatch.fnmatch(rel.as_posix(), glob) \
                        and not fnmatch.fnmatch(f.name, glob):
                    continue
                if str(f) not in seen:
                    seen.add(str(f))
                    found.append(InputFile(str(f), format_of(str(f), fmt),
                                           src / rel if src else None))
        elif p.is_file():
            if str(p) not in seen:
                seen.add(str(p))
                found.append(InputFile(str(p), format_of(str(p), fmt), src))
        else:
            raise InputError(f"{name}: no such file or directory")
    if src is not None and any(f.format != "text" for f in found):
        raise InputError("--source pairs plain-text files only; TSV and JSONL inputs carry "
                         "their source in a `source` column")
    return found


def _open(f: InputFile) -> BinaryIO:
    return sys.stdin.buffer if f.path == "-" else open(f.path, "rb")


def _decoded_lines(fh: BinaryIO, path: str, max_line_chars: int,
                   report: Callable[[Problem], None]) -> Iterator[tuple[int, str, int, int]]:
    """(line number, text, char offset of the line, byte offset after it) of usable lines.

    A line with invalid UTF-8 or longer than `max_line_chars` is reported and skipped; its
    characters still count towards the offsets of later lines.
    """
    char_pos = byte_pos = 0
    for number, raw in enumerate(fh, start=1):
        byte_pos += len(raw)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            report(Problem(path, number, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x} at "
                                         f"column {exc.start + 1}); line skipped"))
            # surrogateescape: one character per bad byte, as the corrected export reads it
            char_pos += len(raw.decode("utf-8", errors="surrogateescape"))
            continue
        if number == 1:
            line = line.removeprefix("\ufeff")
        body = line.rstrip("\r\n")
        if len(body) > max_line_chars:
            report(Problem(path, number, f"line of {len(body):,} characters is longer than "
                                         f"max_line_chars ({max_line_chars:,}); line skipped"))
        else:
            yield number, body, char_pos, byte_pos
        char_pos += len(line)


def _is_binary(f: InputFile) -> bool:
    if f.path == "-":
        return False
    with open(f.path, "rb") as fh:
        return b"\x00" in fh.read(_SNIFF_BYTES)


def _shift(seg: Segment, offset: int, line: int) -> Segment:
    return replace(seg, start=seg.start + offset, end=seg.end + offset, line=line)


def _nonempty_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for raw in fh if raw.strip())


def _text_items(f: InputFile, cfg: CorpusSettings,
                report: Callable[[Problem], None]) -> Iterator[Item]:
    ordinal = 0
    for number, offset, byte_end, segs in _line_segments(f, cfg, report):
        for seg in segs:
            yield Item(f.path, ordinal, f.path, str(ordinal),
                       replace(_shift(seg, offset, number), id=ordinal), byte_end)
            ordinal += 1


def _source_aligned(f: InputFile, source: Path, report: Callable[[Problem], None]) -> bool:
    """True when the source exists and has as many non-empty lines (stdin: not countable)."""
    if not source.is_file():
        report(Problem(f.path, 0, f"no source file {source}; file skipped"))
        return False
    if f.path != "-":
        n_t, n_s = _nonempty_lines(Path(f.path)), _nonempty_lines(source)
        if n_t != n_s:
            report(Problem(f.path, 0, f"{n_t} non-empty lines but its source {source} has "
                                      f"{n_s}; the files must be line-aligned; file skipped"))
            return False
    return True


def _line_segments(f: InputFile, cfg: CorpusSettings, report: Callable[[Problem], None]
                   ) -> Iterator[tuple[int, int, int, list[Segment]]]:
    """(line, char offset, byte offset after it, segments) of each non-empty line, paired
    with the n-th non-empty line of the source when there is one."""
    if f.source is not None and not _source_aligned(f, f.source, report):
        return
    with _open(f) as fh, ExitStack() as stack:
        src_lines = None
        if f.source is not None:
            sfh = stack.enter_context(f.source.open("rb"))
            src_lines = (x for x in _decoded_lines(sfh, str(f.source), 10**12, report)
                         if x[1].strip())
        for number, body, offset, byte_end in _decoded_lines(
                fh, f.path, cfg.max_line_chars, report):
            if not body.strip():
                continue
            if src_lines is None:
                segs = segment_text(body, cfg.lang, cfg.max_segment_chars)
            else:
                src = next(src_lines, None)
                if src is None:
                    report(Problem(f.path, number, f"source {f.source} has no line for this "
                                                   "one; rest of the file skipped"))
                    return
                segs = segment_parallel(InputText(f.path, body), InputText(str(f.source), src[1]),
                                        cfg.lang, cfg.src_lang or "", cfg.max_segment_chars)
            yield number, offset, byte_end, segs


def _row_items(f: InputFile, cfg: CorpusSettings,
               report: Callable[[Problem], None]) -> Iterator[Item]:
    """TSV (header row with named columns) or JSONL: one row is one segment."""
    header: list[str] | None = None
    ordinal = 0
    with _open(f) as fh:
        for number, body, _offset, byte_end in _decoded_lines(
                fh, f.path, cfg.max_line_chars, report):
            if not body.strip():
                continue
            if f.format == "tsv":
                cells = body.split("\t")
                if header is None:
                    header = [c.strip().lower() for c in cells]
                    if "target" not in header:
                        report(Problem(f.path, number, "the header row has no `target` column "
                                                       f"(columns: {', '.join(header)}); "
                                                       "file skipped"))
                        return
                    continue
                if len(cells) != len(header):
                    report(Problem(f.path, number, f"{len(cells)} columns, the header has "
                                                   f"{len(header)}; row skipped"))
                    continue
                row: dict[str, object] = dict(zip(header, cells, strict=True))
            else:
                try:
                    row = json.loads(body)
                except json.JSONDecodeError as exc:
                    report(Problem(f.path, number, f"invalid JSON ({exc.msg}); row skipped"))
                    continue
                if not isinstance(row, dict):
                    report(Problem(f.path, number, "not a JSON object; row skipped"))
                    continue
            target = row.get("target")
            if not isinstance(target, str) or not target.strip():
                report(Problem(f.path, number, "no `target` text; row skipped"))
                continue
            source = row.get("source")
            if source is not None and not isinstance(source, str):
                report(Problem(f.path, number, "`source` is not text; row skipped"))
                continue
            if source is not None and not source.strip():
                source = None
            if source is not None and not cfg.src_lang:
                raise InputError(f"{f.path}:{number}: rows carry a source but no source "
                                 "language was given (--src-lang)")
            text = target.strip()
            notes: tuple[str, ...] = ()
            if len(text) > cfg.max_segment_chars:
                notes = (f"long: row of {len(text)} characters checked as one segment",)
            seg = Segment(id=ordinal, text=text, start=0, end=len(text), line=number,
                          source=source.strip() if source else None, notes=notes)
            seg_id = row.get("id")
            yield Item(f.path, ordinal, str(row.get("doc") or f.path),
                       str(seg_id) if seg_id not in (None, "") else str(ordinal), seg, byte_end)
            ordinal += 1


def iter_items(f: InputFile, cfg: CorpusSettings,
               report: Callable[[Problem], None]) -> Iterator[Item]:
    """The segments of one file, streamed; problems go to `report`."""
    try:
        if _is_binary(f):
            report(Problem(f.path, 0, "binary file (contains NUL bytes); skipped"))
            return
        if f.path != "-" and f.size == 0:
            report(Problem(f.path, 0, "empty file; skipped"))
            return
        if f.format in ("tsv", "jsonl"):
            yield from _row_items(f, cfg, report)
        else:
            yield from _text_items(f, cfg, report)
    except OSError as exc:
        report(Problem(f.path, 0, f"cannot read: {exc.strerror or exc}; skipped"))
