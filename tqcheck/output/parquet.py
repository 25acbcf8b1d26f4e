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

from tqcheck.errors import InputError
from tqcheck.output.export import FLAT_COLUMNS, RowWriter, flat_row
from tqcheck.run.records import SegmentKey
from tqcheck.run.rundb import RunDB
from tqcheck.types import SegmentResult

FLAT_TYPES = {"key": "string", "file": "string", "doc": "string", "id": "string",
              "line": "int64", "start": "int64", "end": "int64", "risk": "float64",
              "severity": "string", "categories": "string", "n_flags": "int64",
              "text": "string", "source": "string", "flags": "string", "decision": "string",
              "corrected": "string", "screened": "bool_"}
PATTERN = "part-*.parquet"


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("Parquet needs pyarrow: pip install 'tqcheck[ray]' (or pyarrow)"
                         ) from None
    return pa, pq


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
        self.schema = self.pa.schema([(name, getattr(self.pa, FLAT_TYPES[name])())
                                      for name in FLAT_COLUMNS])
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
    writer = RowWriter(fmt, out)
    for row in read_rows(folder, min_risk):
        if writer.documents:
            writer.document({**row, "flags": json.loads(row["flags"])})
        else:
            writer.flat(row)
    return writer.close()
