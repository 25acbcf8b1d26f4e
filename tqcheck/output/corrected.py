"""The corrected text: each input file rewritten with the reviewers' edits applied.

Plain text is rewritten in place by character offsets, so paragraphs, blank lines, line
ends and every unedited byte stay as they were (undecodable bytes included, through
surrogateescape). TSV and JSONL rows get their `target` replaced (in TSV, tabs and line
breaks of an edit become spaces, so that the row stays one row); other rows are copied
verbatim. Before replacing, the file's text at each offset is compared with the stored
segment: a file changed since scoring is refused, not silently patched.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from tqcheck.errors import InputError
from tqcheck.run.records import ScoredSpan
from tqcheck.run.rundb import RunDB


def _edits_by_file(db: RunDB) -> dict[int, dict[int, str]]:
    out: dict[int, dict[int, str]] = {}
    for key, d in db.current_decisions().items():
        if d.action == "edit" and d.after is not None:
            out.setdefault(key.file_id, {})[key.ordinal] = d.after
    return out


def _text_file(path: Path, spans: list[ScoredSpan], edits: dict[int, str]) -> bytes:
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    bom = text.startswith("\ufeff")
    body = text.removeprefix("\ufeff")
    pieces: list[str] = []
    pos = 0
    for span in spans:
        if span.ordinal not in edits:
            continue
        if body[span.start:span.end] != span.text:
            raise InputError(f"{path}: the text at segment {span.ordinal} (characters "
                             f"{span.start}-{span.end}) is not what was scored; the file "
                             "changed since the run")
        pieces += [body[pos:span.start], edits[span.ordinal]]
        pos = span.end
    pieces.append(body[pos:])
    return (("\ufeff" if bom else "") + "".join(pieces)).encode("utf-8", "surrogateescape")


def tsv_field(text: str) -> str:
    """An edit as one TSV cell of the input's own format (raw cells, one row per line): tabs
    and line breaks, which would cut the row, become spaces."""
    return " ".join(re.split(r"\r\n|[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]", text))


def _row_file(path: Path, fmt: str, by_line: dict[int, str]) -> bytes:
    out: list[bytes] = []
    header: list[str] | None = None
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number not in by_line:
                if fmt == "tsv" and header is None and raw.strip():
                    header = raw.decode("utf-8").rstrip("\r\n").lstrip("\ufeff").split("\t")
                    header = [h.strip().lower() for h in header]
                out.append(raw)
                continue
            line = raw.decode("utf-8")
            ending = line[len(line.rstrip("\r\n")):]
            body = line.rstrip("\r\n")
            if fmt == "tsv":
                cells = body.split("\t")
                assert header is not None
                cells[header.index("target")] = tsv_field(by_line[number])
                body = "\t".join(cells)
            else:
                obj = json.loads(body)
                obj["target"] = by_line[number]
                body = json.dumps(obj, ensure_ascii=False)
            out.append((body + ending).encode("utf-8"))
    return b"".join(out)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def write_corrected(db: RunDB, out: str | Path, force: bool = False) -> list[Path]:
    """Write every file of the run with its edits to `out` (a file when the run has one
    input file, else a directory mirroring the inputs); returns the files written.

    Every file is prepared before any is written, so a refusal leaves nothing half done;
    an input of the run is overwritten only with `force` (the run's offsets refer to it).
    """
    files = db.scored_files()
    if not files:
        raise InputError(f"{db.path}: no scored segments to export")
    edits = _edits_by_file(db)
    out = Path(out)
    single = len(files) == 1
    if not single:
        common = Path(os.path.commonpath([str(Path(p).resolve().parent) for _, p, _ in files]))
    planned: list[tuple[Path, bytes]] = []
    for file_id, path, fmt in files:
        if path == "-":
            raise InputError("the run read standard input, which cannot be read again; "
                             "score a file to export corrected text")
        src = Path(path)
        if not src.is_file():
            raise InputError(f"{path}: the scored file is gone; corrected text needs it")
        spans = db.scored_spans(file_id)
        mine = edits.get(file_id, {})
        if fmt in ("tsv", "jsonl"):  # one row is one segment: edits go by input line
            data = _row_file(src, fmt, {s.line: mine[s.ordinal] for s in spans
                                        if s.ordinal in mine})
        else:
            data = _text_file(src, spans, mine)
        dest = out if single else out / src.resolve().relative_to(common)
        if not force:
            for _, other, _ in files:
                if other != "-" and _same_file(dest, Path(other)):
                    raise InputError(f"{dest} is an input of the run ({other}); writing the "
                                     "corrected text there would replace it: choose another "
                                     "path, or pass --force")
        planned.append((dest, data))
    if single and out.is_dir():
        raise InputError(f"{out} is a directory; the run has one file, so give a file name")
    for dest, data in planned:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.tqcheck-tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
    return [dest for dest, _ in planned]
