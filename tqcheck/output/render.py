"""Turning a CheckResult into text for people (rich) or machines (json, jsonl, tsv).

The JSON layout is documented in docs/output.md and is a stable interface.
"""

from __future__ import annotations

import json
from typing import IO

from tqcheck.output.text import SPAN_STYLE, highlighted, tsv_cell
from tqcheck.types import CheckResult

FORMATS = ("text", "json", "jsonl", "tsv")
TSV_COLUMNS = ("id", "line", "start", "end", "risk", "severity", "categories", "n_flags", "text")


def to_json(result: CheckResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)


def to_jsonl(result: CheckResult) -> str:
    """One segment object per line, each carrying the input name and the signature."""
    lines = []
    for seg in result.segments:
        row = {"input": result.input_name, **seg.to_dict(), "signature": str(result.signature)}
        lines.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def to_tsv(result: CheckResult) -> str:
    """One row per segment with its worst severity and flag categories; a header row first."""
    rows = ["\t".join(TSV_COLUMNS)]
    for r in result.segments:
        seg = r.segment
        cats = ",".join(sorted({f.category for f in r.flags}))
        values = (seg.id, seg.line, seg.start, seg.end, f"{r.risk:.4f}",
                  r.worst_severity() or "", cats, len(r.flags), seg.text)
        rows.append("\t".join(tsv_cell(v) for v in values))
    return "\n".join(rows) + "\n"


def display_path(input_name: str) -> str:
    return "<stdin>" if input_name == "-" else input_name


def print_text(result: CheckResult, file: IO[str] | None = None) -> None:
    """The human report: flagged segments, worst spans highlighted, round trips below.

    Each segment and each flag starts with `FILE:LINE:COL` (1-based, in characters), as
    compilers, Vale and LanguageTool print it, so editors and CI annotations can jump to it.
    A flag in the source points at its segment.
    """
    from rich.text import Text

    from tqcheck.output.text import console as stdout_console

    console = stdout_console(file=file, highlight=False, soft_wrap=True)
    path = display_path(result.input_name)
    bands = result.risk_bands
    for r in (r for r in result.segments if r.flags or r.segment.notes):
        seg = r.segment
        band = f" ({bands.of(r.risk)})" if bands is not None else ""
        head = Text(f"{seg.location(path)}: #{seg.id}  risk {r.risk:.2f}{band}", style="bold")
        if r.worst_severity():
            head.append(f"  {r.worst_severity()}", style=SPAN_STYLE[r.worst_severity() or "Minor"])
        console.print(head)
        console.print(Text("  ").append(highlighted(r)))
        if seg.source is not None:
            console.print(Text("  source: ", style="dim").append(highlighted(r, "source")))
        for name, bt in r.backtranslations.items():
            console.print(Text(f"  {name}: ", style="dim").append(Text(bt, style="italic")))
        for f in r.flags:
            where = seg.location(path, f.start if f.side == "target" else 0)
            line = Text(f"{where}: {f.severity} {f.category}", style="bold")
            side = " in the source" if f.side == "source" else ""
            line.append(f"{side} {r.excerpt(f)!r}: {f.message}")
            if f.suggestion:
                line.append(f" → {f.suggestion!r}", style="green")
            console.print(line)
        for note in seg.notes:
            console.print(Text(f"  note: {note}", style="magenta"))
        console.print()
    major = sum(r.worst_severity() == "Major" for r in result.segments)
    console.print(Text(
        f"{len(result.segments)} segments, {sum(bool(r.flags) for r in result.segments)} "
        f"flagged ({major} with a Major flag) — {result.input_name}", style="bold"))
    if bands is not None:
        console.print(Text(bands.explain(), style="dim"))
    console.print(Text(str(result.signature), style="dim"))


def render(result: CheckResult, fmt: str, file: IO[str]) -> None:
    if fmt == "text":
        print_text(result, file)
    elif fmt == "json":
        file.write(to_json(result) + "\n")
    elif fmt == "jsonl":
        file.write(to_jsonl(result))
    elif fmt == "tsv":
        file.write(to_tsv(result))
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
