"""Streaming inputs into segments: the one input pipeline of `check` and `score`.

Everything is read line by line, so memory does not grow with the input. Each unit of work
is an `Item` (one segment, with the file and document it came from and its ordinal in the
file); ordinals are deterministic, which is what lets an interrupted run resume.

One behaviour for input that cannot be used, whichever command reads it: a line with
invalid UTF-8 or longer than `max_line_chars`, a TSV row with the wrong number of cells, an
invalid JSON row or a row without a target is reported as a `Problem` naming the file and
line, and skipped; a file that cannot be used at all (binary, empty, unreadable, or not
line-aligned with its source) is reported and skipped. The rest is read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import BinaryIO

from tqcheck.config import config_table
from tqcheck.errors import InputError
from tqcheck.inputs.files import InputFile
from tqcheck.inputs.segment import pair_line, segment_line
from tqcheck.types import Problem, Segment

SNIFF_BYTES = 8192  # a NUL byte among the first this many bytes makes a file binary (as
# for git and grep: binary formats with a textual header, such as safetensors, have one)

Report = Callable[[Problem], None]


@dataclass(frozen=True)
class InputSettings:
    """`[input]` of configs/input.toml."""

    max_line_chars: int  # longer input lines are reported and skipped
    max_segment_chars: int  # longer sentences are cut at spaces (and the segment says so)


def input_settings() -> InputSettings:
    return config_table(InputSettings, "input.toml", "input")


@dataclass(frozen=True)
class ReadOptions:
    lang: str
    src_lang: str | None
    limits: InputSettings


@dataclass(frozen=True)
class Item:
    """One segment to check. `byte_end` is how far into the file reading has got."""

    path: str
    ordinal: int  # position in the file, from 0; the resume key together with the path
    doc: str
    seg_id: str  # the input's `id` column, else the ordinal
    segment: Segment
    byte_end: int


def read_items(f: InputFile, opts: ReadOptions, report: Report) -> Iterator[Item]:
    """The segments of one input, streamed; problems go to `report`."""
    try:
        not_text = _not_text(f)
        if not_text:
            report(Problem(f.path, 0, f"{not_text}; skipped"))
            return
        if f.rereadable and f.size == 0:
            report(Problem(f.path, 0, "empty file; skipped"))
            return
        if f.format in ("tsv", "jsonl"):
            yield from _row_items(f, opts, report)
        else:
            yield from _text_items(f, opts, report)
    except OSError as exc:
        report(Problem(f.path, 0, f"cannot read: {exc.strerror or exc}; skipped"))


def _not_text(f: InputFile) -> str | None:
    """Why `f` is not UTF-8 text, judged from its first bytes (None: it looks like text)."""
    if not f.rereadable:
        return None
    with f.open() as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text; convert it to UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)"
    if b"\x00" in head:
        return "binary file (it contains NUL bytes; UTF-16 text must be converted to UTF-8)"
    return None


def _decoded_lines(fh: BinaryIO, path: str, max_line_chars: int | None,
                   report: Report) -> Iterator[tuple[int, str, int, int]]:
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
        if max_line_chars is not None and len(body) > max_line_chars:
            report(Problem(path, number, f"line of {len(body):,} characters is longer than "
                                         f"max_line_chars ({max_line_chars:,}); line skipped"))
        else:
            yield number, body, char_pos, byte_pos
        char_pos += len(line)


def _nonempty_lines(fh: BinaryIO) -> int:
    with fh:
        return sum(1 for raw in fh if raw.strip())


def _source_aligned(f: InputFile, report: Report) -> bool:
    """True when the source can be read and has as many non-empty lines (a stream, such as
    stdin or `<(cmd)`, is not countable: checked line by line instead)."""
    if not f.source_rereadable:
        return True
    try:
        n_s = _nonempty_lines(f.open_source())
    except OSError as exc:
        report(Problem(f.path, 0, f"cannot read its source {f.source}: "
                                  f"{exc.strerror or exc}; file skipped"))
        return False
    if f.rereadable:
        n_t = _nonempty_lines(f.open())
        if n_t != n_s:
            report(Problem(f.path, 0, f"{n_t} non-empty lines but its source {f.source} has "
                                      f"{n_s}: the source must be line-aligned (its n-th "
                                      "non-empty line is the original of the n-th non-empty "
                                      "line of the input); file skipped"))
            return False
    return True


def _text_items(f: InputFile, opts: ReadOptions, report: Report) -> Iterator[Item]:
    ordinal = 0
    for number, offset, byte_end, segs in _line_segments(f, opts, report):
        for seg in segs:
            seg = replace(seg, id=ordinal, start=seg.start + offset, end=seg.end + offset,
                          line=number, column=seg.start + 1)
            yield Item(f.path, ordinal, f.path, str(ordinal), seg, byte_end)
            ordinal += 1


def _line_segments(f: InputFile, opts: ReadOptions, report: Report
                   ) -> Iterator[tuple[int, int, int, list[Segment]]]:
    """(line, char offset, byte offset after it, segments) of each non-empty line, paired
    with the n-th non-empty line of the source when there is one."""
    if f.has_source and not _source_aligned(f, report):
        return
    with f.open() as fh, ExitStack() as stack:
        src_lines = None
        if f.has_source:
            sfh = stack.enter_context(f.open_source())
            src_lines = (x for x in _decoded_lines(sfh, str(f.source), None, report)
                         if x[1].strip())
        for number, body, offset, byte_end in _decoded_lines(
                fh, f.path, opts.limits.max_line_chars, report):
            if not body.strip():
                continue
            if src_lines is None:
                segs = segment_line(body, opts.lang, opts.limits.max_segment_chars)
            else:
                src = next(src_lines, None)
                if src is None:
                    report(Problem(f.path, number, f"source {f.source} has no line for this "
                                                   "one; rest of the file skipped"))
                    return
                segs = pair_line(body, src[1], opts.lang, opts.src_lang or "")
            yield number, offset, byte_end, segs


def _text_column(line: str, text: str, cells: list[str] | None,
                 header: list[str] | None) -> int:
    """1-based column of a row's target text in its line: after the cells before it (TSV),
    or where the JSON string holds it verbatim (JSONL without escapes); 0 if unknown."""
    if cells is not None and header is not None:
        i = header.index("target")
        cell = cells[i]
        return sum(len(c) + 1 for c in cells[:i]) + len(cell) - len(cell.lstrip()) + 1
    pos = line.find(json.dumps(text, ensure_ascii=False))
    return pos + 2 if pos >= 0 else 0


def _row_items(f: InputFile, opts: ReadOptions, report: Report) -> Iterator[Item]:
    """TSV (header row with named columns) or JSONL: one row is one segment."""
    header: list[str] | None = None
    ordinal = 0
    with f.open() as fh:
        for number, body, _offset, byte_end in _decoded_lines(
                fh, f.path, opts.limits.max_line_chars, report):
            if not body.strip():
                continue
            cells: list[str] | None = None
            if f.format == "tsv":
                cells = body.split("\t")
                if header is None:
                    header = [c.strip().lower() for c in cells]
                    if "target" not in header:
                        report(Problem(f.path, number, "the header row has no `target` column "
                                                       f"(columns: {', '.join(header)}); "
                                                       "file skipped"))
                        return
                    twice = sorted({c for c in header if header.count(c) > 1})
                    if twice:
                        report(Problem(f.path, number, "the header row names "
                                                       f"{', '.join(twice)} more than once; "
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
                except (ValueError, RecursionError) as exc:  # a huge number, deep nesting
                    why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
                    report(Problem(f.path, number, f"unreadable JSON ({why}); row skipped"))
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
            if source is not None and not opts.src_lang:
                raise InputError(f"{f.path}:{number}: rows carry a source but no source "
                                 "language was given (--src-lang)")
            text = target.strip()
            notes: tuple[str, ...] = ()
            if len(text) > opts.limits.max_segment_chars:
                notes = (f"long: row of {len(text)} characters checked as one segment",)
            seg = Segment(id=ordinal, text=text, start=0, end=len(text), line=number,
                          source=source.strip() if source else None, notes=notes,
                          column=_text_column(body, text, cells, header))
            seg_id, doc = row.get("id"), row.get("doc")
            if any(v is not None and not isinstance(v, str | int) for v in (seg_id, doc)) or \
                    any(isinstance(v, bool) for v in (seg_id, doc)):
                report(Problem(f.path, number, "`id` and `doc` must be text or whole numbers; "
                                               "row skipped"))
                continue
            yield Item(f.path, ordinal, str(doc or f.path),
                       str(seg_id) if seg_id not in (None, "") else str(ordinal), seg, byte_end)
            ordinal += 1
