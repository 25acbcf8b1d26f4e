"""Writing a run database out: one row per segment, as JSONL, CSV or TSV, or one JSON
document (the run's signature once, then the segments), as `tqcheck check -f json` writes.

Rows carry the segment fields of docs/output.md plus the file and document they came from,
`key` (FILE:N, what `tqcheck decide` takes) and the segment's current review decision (in
JSON and JSONL also each flag's: confirm, reject or fix, by whom and when);
`id` is the input's own id column when it had one, else the segment's index in its file.
"""

from __future__ import annotations

import csv
import json
from typing import IO, Any

from tqcheck.output.text import tsv_cell
from tqcheck.run.records import Decision, FlagDecision, SegmentKey
from tqcheck.run.rundb import RunDB
from tqcheck.types import SegmentResult
from tqcheck.version import __version__

EXPORT_FORMATS = ("json", "jsonl", "csv", "tsv")
FLAT_COLUMNS = ("key", "file", "doc", "id", "line", "start", "end", "risk", "severity",
                "categories", "n_flags", "text", "source", "flags", "decision", "corrected",
                "screened")


def flat_row(key: SegmentKey, path: str, doc: str, seg_id: str, r: SegmentResult,
             decision: Decision | None = None) -> dict[str, Any]:
    """One segment as the FLAT_COLUMNS fields (typed; None where there is nothing): the rows
    of `export -f csv|tsv` and of the Parquet parts (tqcheck.output.parquet)."""
    seg = r.segment
    return {"key": str(key), "file": path, "doc": doc, "id": seg_id, "line": seg.line,
            "start": seg.start, "end": seg.end, "risk": r.risk,
            "severity": r.worst_severity(),
            "categories": ",".join(sorted({f.category for f in r.flags})),
            "n_flags": len(r.flags), "text": seg.text, "source": seg.source,
            "flags": json.dumps([f.to_dict() for f in r.flags], ensure_ascii=False),
            "decision": decision.action if decision else None,
            "corrected": decision.after if decision and decision.action == "edit" else None,
            # --budget: the model passes left the segment out (the screening's result)
            "screened": r.signals.screened}


class RowWriter:
    """Rows out in one of EXPORT_FORMATS, streamed: JSON documents (`json`: one document
    headed by `head`, the rows in its "segments"; `jsonl`: one per line) or flat rows
    (`csv`, `tsv`: FLAT_COLUMNS, the risk to four decimals, nothing as empty)."""

    def __init__(self, fmt: str, out: IO[str], head: dict[str, Any] | None = None) -> None:
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {fmt!r}; use {', '.join(EXPORT_FORMATS)}")
        self.fmt, self.out, self.n = fmt, out, 0
        self.csv = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        if fmt == "json":
            out.write("{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n"
                                      for k, v in (head or {}).items()) + '  "segments": [')
        elif self.csv is not None:
            self.csv.writerow(FLAT_COLUMNS)
        elif fmt == "tsv":
            out.write("\t".join(FLAT_COLUMNS) + "\n")

    @property
    def documents(self) -> bool:
        """Whether rows go out as JSON documents (else as flat rows)."""
        return self.fmt in ("json", "jsonl")

    def document(self, row: dict[str, Any]) -> None:
        self.n += 1
        text = json.dumps(row, ensure_ascii=False)
        self.out.write(text + "\n" if self.fmt == "jsonl"
                       else ("\n    " if self.n == 1 else ",\n    ") + text)

    def flat(self, row: dict[str, Any]) -> None:
        self.n += 1
        values = [row[c] if row[c] is not None else "" for c in FLAT_COLUMNS]
        values[FLAT_COLUMNS.index("risk")] = f"{row['risk']:.4f}"
        if self.csv is not None:
            self.csv.writerow(values)
        else:
            self.out.write("\t".join(tsv_cell(v) for v in values) + "\n")

    def close(self) -> int:
        """End the output; returns the number of rows."""
        if self.fmt == "json":
            self.out.write("\n  ]\n}\n" if self.n else "]\n}\n")
        return self.n


def _flag_decision(d: FlagDecision | None) -> dict[str, Any] | None:
    """A flag's decision in force as the JSON export writes it (None: undecided)."""
    return None if d is None else {"action": d.action, "reviewer": d.reviewer, "at": d.at}


def export_run(db: RunDB, fmt: str, out: IO[str], min_risk: float | None = None) -> int:
    """Write every stored segment (at or above `min_risk`) to `out`; returns the row count."""
    signature = db.meta("signature")
    writer = RowWriter(fmt, out, {"tqcheck_version": __version__, "signature": signature})
    decisions = db.current_decisions()
    flag_decisions = db.current_flag_decisions() if writer.documents else {}
    for stored in db.results(min_risk):  # streamed: the rows are not held in memory
        d = decisions.get(stored.key)
        if not writer.documents:
            writer.flat(flat_row(stored.key, stored.path, stored.doc, stored.seg_id,
                                 stored.result, d))
            continue
        decision = None if d is None else {"action": d.action, "reviewer": d.reviewer,
                                           "at": d.at, "before": d.before, "after": d.after}
        row = {"key": str(stored.key), "file": stored.path, "doc": stored.doc,
               **stored.result.to_dict(), "id": stored.seg_id, "decision": decision}
        row["flags"] = [{**f, "decision": _flag_decision(flag_decisions.get((stored.key, n)))}
                        for n, f in enumerate(row["flags"])]
        writer.document({**row, "signature": signature} if fmt == "jsonl" else row)
    return writer.close()
