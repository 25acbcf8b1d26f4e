"""The per-segment rows of a run as Parquet files in a folder (`score --output parquet DIR`),
for data that lives in object storage or outgrows one SQLite database.

One part file per committed chunk, `part-FFFFFF-OOOOOOOOO.parquet` after the chunk's first
segment (file id, ordinal), with the columns of `tqcheck export -f csv` (FLAT_COLUMNS,
typed) and the run's signature in the file metadata. A part is written just before its
chunk is committed to the run database, so a crash between the two leaves a part the
database does not have; the next run removes such parts before it writes any (a chunk is
committed whole or not at all, so its last row tells). Every segment is then in exactly
one part, as in the database. Reading is pyarrow's: `tqcheck export DIR` or any Parquet
reader (Ray Data, DuckDB, pandas) on the folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from tqcheck.batch.records import SegmentKey
from tqcheck.batch.rundb import RunDB
from tqcheck.errors import InputError
from tqcheck.types import SegmentResult

FLAT_TYPES = {"key": "string", "file": "string", "doc": "string", "id": "string",
              "line": "int64", "start": "int64", "end": "int64", "risk": "float64",
              "severity": "string", "categories": "string", "n_flags": "int64",
              "text": "string", "source": "string", "flags": "string", "decision": "string",
              "corrected": "string"}
PATTERN = "part-*.parquet"


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("Parquet needs pyarrow: pip install 'tqcheck[ray]' (or pyarrow)"
                         ) from None
    return pa, pq


def flat_row(key: SegmentKey, path: str, doc: str, seg_id: str,
             r: SegmentResult) -> dict[str, Any]:
    """One segment as the flat fields of `export -f csv` (no review decision yet)."""
    seg = r.segment
    return {"key": str(key), "file": path, "doc": doc, "id": seg_id, "line": seg.line,
            "start": seg.start, "end": seg.end, "risk": r.risk,
            "severity": r.worst_severity(), "categories": ",".join(sorted(
                {f.category for f in r.flags})), "n_flags": len(r.flags), "text": seg.text,
            "source": seg.source, "flags": json.dumps([f.to_dict() for f in r.flags],
                                                      ensure_ascii=False),
            "decision": None, "corrected": None}


class ParquetSink:
    """Writes each chunk's rows as one part file; removes parts of uncommitted chunks."""

    def __init__(self, folder: Path, db: RunDB) -> None:
        self.pa, self.pq = _pyarrow()
        self.folder = folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{folder}: cannot create the Parquet folder "
                             f"({exc.strerror or exc})") from None
        self.schema = self.pa.schema([(name, getattr(self.pa, kind)())
                                      for name, kind in FLAT_TYPES.items()])
        self._paths: dict[int, str] = {}
        self.removed = self._remove_uncommitted(db)

    def _remove_uncommitted(self, db: RunDB) -> list[str]:
        removed = []
        for part in sorted(self.folder.glob(PATTERN)):
            keys = self.pq.read_table(part, columns=["key"]).column("key").to_pylist()
            last = SegmentKey.parse(keys[-1]) if keys else None
            if last is None or db.get(last) is None:
                part.unlink()
                removed.append(part.name)
        return removed

    def write(self, rows: Sequence[tuple[int, int, str, str, SegmentResult]], db: RunDB,
              signature: str) -> Path:
        fid0, ord0 = rows[0][0], rows[0][1]
        records = [flat_row(SegmentKey(fid, ordinal), self._path(db, fid), doc, seg_id, r)
                   for fid, ordinal, doc, seg_id, r in rows]
        table = self.pa.Table.from_pylist(records, schema=self.schema).replace_schema_metadata(
            {"tqcheck.signature": signature})
        final = self.folder / f"part-{fid0:06d}-{ord0:09d}.parquet"
        tmp = final.with_suffix(".parquet.tmp")
        self.pq.write_table(table, tmp)
        os.replace(tmp, final)  # never a half-written part under the final name
        return final

    def _path(self, db: RunDB, file_id: int) -> str:
        if file_id not in self._paths:
            self._paths[file_id] = db.file_progress(file_id).path
        return self._paths[file_id]


def is_parquet_folder(path: str | Path) -> bool:
    p = Path(path)
    return p.is_dir() and any(p.glob(PATTERN))


def read_rows(folder: str | Path, min_risk: float | None = None) -> Iterator[dict[str, Any]]:
    """The rows of every part, in key order (part files are named after their first key)."""
    _, pq = _pyarrow()
    for part in sorted(Path(folder).glob(PATTERN)):
        for row in pq.read_table(part).to_pylist():
            if min_risk is None or row["risk"] >= min_risk:
                yield row


def export_parquet(folder: str | Path, fmt: str, out: IO[str],
                   min_risk: float | None = None) -> int:
    """`tqcheck export DIR` for a Parquet folder: the flat rows as jsonl, json, csv or tsv."""
    import csv

    from tqcheck.output.export import EXPORT_FORMATS, FLAT_COLUMNS
    from tqcheck.output.text import tsv_cell

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use {', '.join(EXPORT_FORMATS)}")
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer:
        writer.writerow(FLAT_COLUMNS)
    elif fmt == "tsv":
        out.write("\t".join(FLAT_COLUMNS) + "\n")
    elif fmt == "json":
        out.write('{\n  "segments": [')
    n = 0
    for row in read_rows(folder, min_risk):
        n += 1
        if fmt in ("json", "jsonl"):
            doc = {**row, "flags": json.loads(row["flags"])}
            text = json.dumps(doc, ensure_ascii=False)
            out.write(text + "\n" if fmt == "jsonl" else ("\n    " if n == 1 else ",\n    ")
                      + text)
            continue
        values = [row[c] if row[c] is not None else "" for c in FLAT_COLUMNS]
        values[FLAT_COLUMNS.index("risk")] = f"{row['risk']:.4f}"
        if writer:
            writer.writerow(values)
        else:
            out.write("\t".join(tsv_cell(v) for v in values) + "\n")
    if fmt == "json":
        out.write("\n  ]\n}\n" if n else "]\n}\n")
    return n
