"""Writing a run database out: one row per segment, as JSONL, CSV or TSV, or one JSON
document (the run's signature once, then the segments), as `tqcheck check -f json` writes.

Rows carry the segment fields of docs/output.md plus the file and document they came from,
`key` (FILE:N, what `tqcheck decide` takes) and the segment's current review decision;
`id` is the input's own id column when it had one, else the segment's index in its file.
"""

from __future__ import annotations

import csv
import json
from typing import IO

from tqcheck import __version__
from tqcheck.batch.rundb import RunDB
from tqcheck.output.text import tsv_cell

EXPORT_FORMATS = ("json", "jsonl", "csv", "tsv")
FLAT_COLUMNS = ("key", "file", "doc", "id", "line", "start", "end", "risk", "severity",
                "categories", "n_flags", "text", "source", "flags", "decision", "corrected")


def export_run(db: RunDB, fmt: str, out: IO[str], min_risk: float | None = None) -> int:
    """Write every stored segment (at or above `min_risk`) to `out`; returns the row count."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use {', '.join(EXPORT_FORMATS)}")
    signature = db.meta("signature")
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if fmt == "json":  # streamed: the rows are not held in memory
        out.write("{\n" + f'  "tqcheck_version": {json.dumps(__version__)},\n'
                  f'  "signature": {json.dumps(signature)},\n  "segments": [')
    elif fmt != "jsonl":
        header = list(FLAT_COLUMNS)
        if writer:
            writer.writerow(header)
        else:
            out.write("\t".join(header) + "\n")
    decisions = db.current_decisions()
    n = 0
    for stored in db.results(min_risk):
        n += 1
        r, key = stored.result, str(stored.key)
        d = decisions.get(stored.key)
        decision = None if d is None else {"action": d.action, "reviewer": d.reviewer,
                                           "at": d.at, "before": d.before, "after": d.after}
        if fmt in ("json", "jsonl"):
            row = {"key": key, "file": stored.path, "doc": stored.doc, **r.to_dict(),
                   "id": stored.seg_id, "decision": decision}
            if fmt == "jsonl":
                out.write(json.dumps({**row, "signature": signature}, ensure_ascii=False)
                          + "\n")
            else:
                out.write(("\n    " if n == 1 else ",\n    ")
                          + json.dumps(row, ensure_ascii=False))
            continue
        seg = r.segment
        values = [key, stored.path, stored.doc, stored.seg_id, seg.line, seg.start,
                  seg.end, f"{r.risk:.4f}", r.worst_severity() or "",
                  ",".join(sorted({f.category for f in r.flags})), len(r.flags), seg.text,
                  seg.source or "", json.dumps([f.to_dict() for f in r.flags],
                                               ensure_ascii=False),
                  d.action if d else "", (d.after or "") if d and d.action == "edit" else ""]
        if writer:
            writer.writerow(values)
        else:
            out.write("\t".join(tsv_cell(v) for v in values) + "\n")
    if fmt == "json":
        out.write("\n  ]\n}\n" if n else "]\n}\n")
    return n
