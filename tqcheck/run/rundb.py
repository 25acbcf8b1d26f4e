"""The run database: one SQLite file (WAL) that holds a batch run's results, settings and
review decisions. Every SQL statement of tqcheck's run databases is in this module.

Writes happen in one transaction per chunk of segments, which also advances the files'
progress, so a run killed at any instant leaves whole chunks or nothing; rerunning the same
command finds where each file stopped. Segments are keyed by (file, ordinal): a segment can
never be stored twice. Decisions are an append-only log: an undo is a row that cancels an
earlier one, so two reviewers on the same database lose nothing.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from tqcheck.errors import InputError
from tqcheck.run.records import (
    Decision,
    FileProgress,
    FileState,
    FileTime,
    FlagDecision,
    QueueEntry,
    ReviewAgreement,
    RiskSummary,
    RunSummary,
    ScoredSpan,
    SegmentKey,
    StoredSegment,
    Verdicts,
    storable,
)
from tqcheck.signals import Signals
from tqcheck.storage import Mode, connect, guarded
from tqcheck.types import Flag, Problem, RiskBands, Segment, SegmentResult

SCHEMA_VERSION = "2"

# Tables later versions added; an older database gets them when opened for writing.
ADDED_TABLES = [("flag_decisions", """CREATE TABLE IF NOT EXISTS flag_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id INTEGER NOT NULL, ordinal INTEGER NOT NULL, n INTEGER NOT NULL,  -- the flag
    action TEXT NOT NULL,         -- confirm | reject | fix | undo
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,             -- ISO 8601, UTC
    before TEXT, after TEXT,      -- the segment's text before and after (fix)
    category TEXT, signal TEXT,   -- the flag's identity, kept with the decision...
    flag TEXT,                    -- ... in full (JSON: offsets, message, suggestion, metrics)
    undoes INTEGER                -- for undo: the decision it cancels
);
CREATE INDEX IF NOT EXISTS flag_decisions_flag ON flag_decisions(file_id, ordinal, n);""")]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT UNIQUE NOT NULL,                -- as first named
    format TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',   -- pending | done
    n_segments INTEGER NOT NULL DEFAULT 0,    -- stored so far
    seconds REAL NOT NULL DEFAULT 0,
    real TEXT,                                -- the resolved path: one file, however named
    digest TEXT                               -- sha256 of the content once done
);
CREATE TABLE IF NOT EXISTS segments (
    file_id INTEGER NOT NULL REFERENCES files(id),
    ordinal INTEGER NOT NULL,
    doc TEXT NOT NULL,
    seg_id TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    line INTEGER NOT NULL,
    notes TEXT NOT NULL,          -- JSON list
    risk REAL NOT NULL,
    severity TEXT,                -- worst flag severity, NULL when unflagged
    n_flags INTEGER NOT NULL,
    col INTEGER NOT NULL DEFAULT 0,  -- 1-based column in its line; 0: unknown
    PRIMARY KEY (file_id, ordinal)
);
CREATE INDEX IF NOT EXISTS segments_risk ON segments(risk DESC);
CREATE TABLE IF NOT EXISTS backtranslations (
    file_id INTEGER NOT NULL, ordinal INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (file_id, ordinal, kind)
);
CREATE TABLE IF NOT EXISTS metrics (
    file_id INTEGER NOT NULL, ordinal INTEGER NOT NULL, name TEXT NOT NULL, value REAL,
    PRIMARY KEY (file_id, ordinal, name)
);
CREATE TABLE IF NOT EXISTS flags (
    file_id INTEGER NOT NULL, ordinal INTEGER NOT NULL, n INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, category TEXT NOT NULL,
    severity TEXT NOT NULL, message TEXT NOT NULL, suggestion TEXT, side TEXT NOT NULL,
    signal TEXT NOT NULL,
    PRIMARY KEY (file_id, ordinal, n)
);
CREATE INDEX IF NOT EXISTS flags_category ON flags(category, severity);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id INTEGER NOT NULL, ordinal INTEGER NOT NULL,
    action TEXT NOT NULL,         -- accept | confirm | edit | undo
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,             -- ISO 8601, UTC
    before TEXT, after TEXT,      -- the segment's text before and after (edit)
    undoes INTEGER                -- for undo: the decision it cancels
);
CREATE INDEX IF NOT EXISTS decisions_segment ON decisions(file_id, ordinal);
CREATE TABLE IF NOT EXISTS problems (
    path TEXT NOT NULL, line INTEGER NOT NULL, message TEXT NOT NULL,
    UNIQUE (path, line, message)
);
""" + "\n".join(ddl for _, ddl in ADDED_TABLES)


def _same_path(stored: str, given: str) -> bool:
    """True when `given` names the scored file `stored`: the same string, the same file on
    disk, or (the file being gone) the same absolute path."""
    if stored == given:
        return True
    a, b = Path(stored), Path(given)
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


# One pass over the segments chosen (`{chosen}`: file_id, ordinal in the order asked, at
# most as many as asked, so nothing is gathered for segments a LIMIT drops): the database
# gathers each segment's back-translations, metrics and flags as JSON arrays, each row led
# by its order key. Metric values go through quote(), whose text reads back as the same
# double (JSON's own number formatting keeps 15 digits only).
_RESULTS = """
SELECT s.file_id, s.ordinal, f.path, s.doc, s.seg_id, s.text, s.source, s.start, s."end",
       s.line, {col}, s.notes, s.risk,
       (SELECT json_group_array(json_array(b.rowid, b.kind, b.text)) FROM backtranslations b
        WHERE b.file_id = s.file_id AND b.ordinal = s.ordinal),
       (SELECT json_group_array(json_array(m.rowid, m.name, quote(m.value))) FROM metrics m
        WHERE m.file_id = s.file_id AND m.ordinal = s.ordinal),
       (SELECT json_group_array(json_array(g.n, g.start, g."end", g.category, g.severity,
                                           g.message, g.suggestion, g.side, g.signal))
        FROM flags g WHERE g.file_id = s.file_id AND g.ordinal = s.ordinal)
FROM ({chosen}) c JOIN segments s ON s.file_id = c.file_id AND s.ordinal = c.ordinal
JOIN files f ON f.id = s.file_id
ORDER BY {order}
"""

_DECISION_COLUMNS = "id, file_id, ordinal, action, reviewer, at, before, after"
_FLAG_DECISION_COLUMNS = ("id, file_id, ordinal, n, action, reviewer, at, before, after, "
                          "category, signal, flag")
# Decisions in force: not undos, and not undone.
_EFFECTIVE = f"""
    SELECT {_DECISION_COLUMNS} FROM decisions d
    WHERE d.action != 'undo'
      AND d.id NOT IN (SELECT undoes FROM decisions WHERE action = 'undo' AND undoes IS NOT NULL)
"""
# Each segment's current decision: its latest decision in force.
_CURRENT = f"""
    SELECT {_DECISION_COLUMNS} FROM (
        SELECT e.*, row_number() OVER (PARTITION BY file_id, ordinal ORDER BY id DESC) AS rn
        FROM ({_EFFECTIVE}) e)
    WHERE rn = 1
"""


def _real(quoted: str) -> float:
    """A REAL as quote() wrote it (NaN is stored as NULL)."""
    return math.nan if quoted == "NULL" else float(quoted)


def _gathered(text: str) -> list[list[Any]]:
    """The rows a JSON aggregate gathered, in their order key."""
    return sorted(json.loads(text), key=lambda row: row[0])


def _flag_decision(row: Sequence[Any]) -> FlagDecision:
    fid, f, o, n, *rest = row
    return FlagDecision(fid, SegmentKey(f, o), n, *rest)


def _decision(row: Sequence[Any]) -> Decision:
    id_, file_id, ordinal, action, reviewer, at, before, after = row
    return Decision(id_, SegmentKey(file_id, ordinal), action, reviewer, at, before, after)


@dataclass(frozen=True)
class QueueFilter:
    """Which flagged segments the review queue shows."""

    category: str | None = None
    severity: str | None = None
    path: str | None = None  # substring of the file's path
    search: str | None = None  # substring of the text or the source


# Columns added since the first run databases: added to an old one opened for writing (and
# read as unknown from one opened read-only).
_ADDED_COLUMNS = [("segments", "col INTEGER NOT NULL DEFAULT 0"), ("files", "real TEXT"),
                  ("files", "digest TEXT")]
_TABLES = {"meta", "files", "segments", "backtranslations", "metrics", "flags", "decisions",
           "problems"}


@guarded("run database")
class RunDB:
    """A run database. `score` creates it (mode `create`); review and decide write their
    decisions into an existing one (`write`); summary, export and report only read it
    (`read`: opened read-only, the file is never changed)."""

    def __init__(self, path: str | Path, mode: Mode = "create") -> None:
        self.path, self.mode = Path(path), mode
        if mode != "create":
            if self.path.is_dir():
                raise InputError(f"{self.path}: is a directory, not a run database")
            if not self.path.is_file():
                raise InputError(f"{self.path}: no such run database")
        elif self.path.is_dir():
            raise InputError(f"{self.path}: is a directory; give a file name for the run "
                             "database")
        elif not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = connect(self.path, mode, "run database", timeout=60)
        if mode == "create":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        tables = {name for (name,) in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        known = _TABLES | {"sqlite_sequence"} | {name for name, _ in ADDED_TABLES}
        if mode == "create" and tables <= known:
            self.conn.executescript(f"BEGIN;\n{_SCHEMA}\nCOMMIT;")  # all tables, or none
        elif not tables >= _TABLES:
            self.conn.close()
            raise InputError(f"{self.path}: not a tqcheck run database (it has "
                             f"{', '.join(sorted(tables)) or 'no'} tables); nothing was "
                             "changed in it")
        missing = [(table, ddl) for table, ddl in _ADDED_COLUMNS
                   if ddl.split()[0] not in {row[1] for row in self.conn.execute(
                       f"PRAGMA table_info({table})")}]
        self._col = "0" if ("segments", _ADDED_COLUMNS[0][1]) in missing else "s.col"
        if missing and mode != "read":  # a database of an earlier tqcheck 0.1
            with self.conn:
                for table, ddl in missing:
                    self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {ddl}")
            self._col = "s.col"
        absent = [ddl for name, ddl in ADDED_TABLES if name not in tables]
        if absent and mode != "read":
            self.conn.executescript("BEGIN;\n" + "\n".join(absent) + "\nCOMMIT;")
            absent = []
        self._has_flag_decisions = not absent  # read-only on an older database: none yet

    def close(self) -> None:
        """Close; a run that wrote in WAL mode goes back to a plain journal when no one else
        has the file open, so that later read-only opens need no -wal/-shm files."""
        if self.mode == "create":
            # with a reviewer on it, it stays in WAL mode, which is fine
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.close()

    def __enter__(self) -> RunDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- settings --------------------------------------------------------------------------

    def record_risk_bands(self, bands: RiskBands | None) -> None:
        """Keep the profile's risk bands with the run, for its readers (report, review)."""
        value = None if bands is None else json.dumps([bands.medium, bands.high])
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('risk_bands', ?)",
                              (value or "null",))

    def risk_bands(self) -> RiskBands | None:
        """The bands of the profile the run was scored with (None before they were kept)."""
        value = json.loads(self.meta("risk_bands") or "null")
        return RiskBands(*value) if value else None

    def models(self) -> dict[str, str]:
        """The weights of each model the run used, by pair (its recorded settings)."""
        settings = json.loads(self.meta("settings") or "{}")
        return dict(settings.get("models") or {})

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def bind_settings(self, settings: dict[str, Any]) -> None:
        """Record the run's settings, or check them against those recorded."""
        stored = self.meta("settings")
        wanted = json.dumps(settings, sort_keys=True)
        if stored is None:
            with self.conn:
                self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [
                    ("settings", wanted), ("schema", SCHEMA_VERSION),
                    ("created", time.strftime("%Y-%m-%dT%H:%M:%S%z"))])
        elif stored != wanted:
            old = json.loads(stored)
            diff = ", ".join(f"{k}: {old.get(k)!r} then, {settings.get(k)!r} now"
                             for k in dict.fromkeys([*settings, *old])
                             if old.get(k) != settings.get(k))
            raise InputError(f"{self.path} was made with other settings ({diff}); resume "
                             "with the same options, or pass a new --db")

    # -- progress --------------------------------------------------------------------------

    def file_state(self, path: str, fmt: str) -> FileState:
        """The file's row, found by its resolved path (so `a.txt`, `./a.txt` and its
        absolute path are one file), made when it is new."""
        real = path if path == "-" else os.path.realpath(path)
        query = ("SELECT id, status, n_segments, digest FROM files WHERE real = ? "
                 "OR (real IS NULL AND path = ?) ORDER BY id LIMIT 1")
        row = self.conn.execute(query, (real, path)).fetchone()
        if row is None:
            taken = self.conn.execute("SELECT 1 FROM files WHERE path = ?", (path,)).fetchone()
            with self.conn:  # another file by the same name (run from elsewhere): its full path
                self.conn.execute("INSERT INTO files (path, format, real) VALUES (?, ?, ?)",
                                  (real if taken else path, fmt, real))
            row = self.conn.execute(query, (real, path)).fetchone()
        return FileState(*row)

    def set_digest(self, file_id: int, digest: str) -> None:
        with self.conn:
            self.conn.execute("UPDATE files SET digest = ? WHERE id = ?", (digest, file_id))

    def file_progress(self, file_id: int) -> FileProgress:
        return FileProgress(*self.conn.execute(
            "SELECT path, n_segments, seconds FROM files WHERE id = ?", (file_id,)).fetchone())

    def stored_texts(self, file_id: int, lo: int, hi: int) -> dict[int, str]:
        rows = self.conn.execute("SELECT ordinal, text FROM segments WHERE file_id = ? AND "
                                 "ordinal BETWEEN ? AND ?", (file_id, lo, hi))
        return dict(rows.fetchall())

    def add_problem(self, problem: Problem) -> None:
        with self.conn:
            self.conn.execute("INSERT OR IGNORE INTO problems VALUES (?, ?, ?)",
                              (problem.path, problem.line, problem.message))

    def write_chunk(self, rows: Sequence[tuple[int, int, str, str, SegmentResult]],
                    seconds: float, finished: Sequence[int], signature: str) -> None:
        """Store scored segments (file id, ordinal, doc, id, result), advance each file's
        count and time, mark `finished` files done: all in one transaction."""
        share = seconds / len(rows) if rows else 0.0
        with self.conn:
            c = self.conn
            for file_id, ordinal, doc, seg_id, r in rows:
                s = r.segment
                c.execute("INSERT INTO segments VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                    file_id, ordinal, doc, seg_id, s.text, s.source, s.start, s.end, s.line,
                    json.dumps(list(s.notes), ensure_ascii=False), r.risk,
                    r.worst_severity(), len(r.flags), s.column))
                c.executemany("INSERT INTO backtranslations VALUES (?,?,?,?)",
                              [(file_id, ordinal, k, v) for k, v in r.backtranslations.items()])
                c.executemany("INSERT INTO metrics VALUES (?,?,?,?)",
                              [(file_id, ordinal, k, v) for k, v in r.metrics.items()])
                c.executemany("INSERT INTO flags VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
                    (file_id, ordinal, n, f.start, f.end, f.category, f.severity, f.message,
                     f.suggestion, f.side, f.signal) for n, f in enumerate(r.flags)])
                c.execute("UPDATE files SET n_segments = n_segments + 1, seconds = seconds + ? "
                          "WHERE id = ?", (share, file_id))
            c.executemany("UPDATE files SET status = 'done' WHERE id = ?",
                          [(f,) for f in finished])
            c.execute("INSERT OR REPLACE INTO meta VALUES ('signature', ?)", (signature,))

    # -- results ---------------------------------------------------------------------------

    def get(self, key: SegmentKey) -> StoredSegment | None:
        return next(self.results(only=key), None)

    def results(self, min_risk: float | None = None, flagged_only: bool = False,
                worst_first: bool = False, limit: int | None = None,
                only: SegmentKey | None = None) -> Iterator[StoredSegment]:
        """Stored segments, in input order (or worst first), streamed in one query."""
        conds, params = ["1 = 1"], []
        if min_risk is not None:
            conds.append("s.risk >= ?")
            params.append(min_risk)
        if flagged_only:
            conds.append("s.n_flags > 0")
        if only is not None:
            conds.append("s.file_id = ? AND s.ordinal = ?")
            params += [only.file_id, only.ordinal]
        order = "s.risk DESC, s.file_id, s.ordinal" if worst_first else "s.file_id, s.ordinal"
        chosen = (f"SELECT s.file_id, s.ordinal, s.risk FROM segments s "
                  f"WHERE {' AND '.join(conds)} ORDER BY {order}")
        if limit is not None:
            chosen += " LIMIT ?"
            params.append(limit)
        query = _RESULTS.format(chosen=chosen, order=order.replace("s.", "c."), col=self._col)
        for row in self.conn.cursor().execute(query, params):
            (file_id, ordinal, path, doc, seg_id, text, source, start, end, line, col, notes,
             risk, bts, mets, flags) = row
            seg = Segment(id=ordinal, text=text, start=start, end=end, line=line, source=source,
                          notes=tuple(json.loads(notes)), column=col)
            result = SegmentResult(
                segment=seg, risk=risk,
                backtranslations={kind: t for _, kind, t in _gathered(bts)},
                signals=Signals.from_metrics({name: _real(v) for _, name, v in _gathered(mets)}),
                flags=[Flag(start=a, end=b, category=cat, severity=sev, message=msg,
                            suggestion=sug, side=side, signal=sig)
                       for _, a, b, cat, sev, msg, sug, side, sig in _gathered(flags)])
            yield StoredSegment(SegmentKey(file_id, ordinal), path, doc, seg_id, result)

    def locate(self, ref: str) -> SegmentKey:
        """The segment a user names: PATH:LINE:COL or PATH:LINE (as the report, the review
        app and `check` print it; PATH as scored, or the same file by another name), or the
        export's `key` FILE_ID:ORDINAL."""
        if any(c.isdigit() and not c.isascii() for c in ref):
            raise InputError(f"{ref!r}: write line, column and key numbers with the digits "
                             "0-9")
        m = re.fullmatch(r"(.+?):([0-9]+)(?::([0-9]+))?", ref.strip())
        if m is not None and not all(storable(int(g)) for g in m.groups()[1:] if g):
            raise InputError(f"{self.path}: no segment starts at {ref}")
        files = self.conn.execute("SELECT id, path FROM files ORDER BY id").fetchall()
        matched = [] if m is None else [fid for fid, path in files
                                        if _same_path(path, m.group(1))]
        if m is not None and matched:
            line, col = int(m.group(2)), m.group(3)
            query = (f"SELECT file_id, ordinal, {self._col} FROM segments s WHERE file_id IN "
                     f"({','.join('?' * len(matched))}) AND line = ?")
            rows = self.conn.execute(query, (*matched, line)).fetchall()
            if col is not None:
                rows = [r for r in rows if r[2] == int(col)]
            if len(rows) == 1:
                return SegmentKey(rows[0][0], rows[0][1])
            if not rows:
                raise InputError(f"{self.path}: no segment starts at {ref}")
            cols = ", ".join(f"{m.group(1)}:{line}:{r[2]}" for r in rows)
            raise InputError(f"{ref}: line {line} holds {len(rows)} segments; name one by "
                             f"its column: {cols}")
        key = SegmentKey.parse(ref)
        if key is not None and self.conn.execute(
                "SELECT 1 FROM segments WHERE file_id = ? AND ordinal = ?",
                (key.file_id, key.ordinal)).fetchone():
            return key
        raise InputError(f"{ref}: no such segment in {self.path}; name it as PATH:LINE:COL "
                         "(as `tqcheck review`, the report and `tqcheck check` show it) or by "
                         "the `key` of `tqcheck export`")

    def segment_text(self, key: SegmentKey) -> str:
        row = self.conn.execute("SELECT text FROM segments WHERE file_id = ? AND ordinal = ?",
                                (key.file_id, key.ordinal)).fetchone()
        if row is None:
            raise InputError(f"{self.path}: no segment {key}")
        return row[0]

    def categories(self) -> list[str]:
        """The flag categories present, sorted."""
        return [c for (c,) in self.conn.execute(
            "SELECT DISTINCT category FROM flags ORDER BY category")]

    def file_paths(self) -> list[str]:
        return [p for (p,) in self.conn.execute("SELECT path FROM files ORDER BY id")]

    def scored_files(self) -> list[tuple[int, str, str]]:
        """(id, path, format) of the files with at least one stored segment; the path is
        the resolved one (valid from any directory) where the run recorded it."""
        return self.conn.execute(
            "SELECT id, coalesce(real, path), format FROM files f WHERE EXISTS (SELECT 1 FROM "
            "segments s WHERE s.file_id = f.id) ORDER BY id").fetchall()

    def scored_spans(self, file_id: int) -> list[ScoredSpan]:
        """Where each stored segment of a file lies in it, in file order."""
        return [ScoredSpan(*row) for row in self.conn.execute(
            "SELECT ordinal, start, \"end\", text, line FROM segments WHERE file_id = ? "
            "ORDER BY start", (file_id,))]

    def summary(self, slowest: int = 5) -> RunSummary:
        """Counts by category and severity, the risk distribution, the slowest files."""
        c = self.conn
        n_seg, n_flagged = c.execute(
            "SELECT count(*), coalesce(sum(n_flags > 0), 0) FROM segments").fetchone()
        files = c.execute("SELECT count(*), coalesce(sum(status = 'done'), 0) FROM files"
                          ).fetchone()
        by_cat: dict[str, dict[str, int]] = {}
        for cat, sev, n in c.execute("SELECT category, severity, count(*) FROM flags "
                                     "GROUP BY category, severity ORDER BY category"):
            by_cat.setdefault(cat, {})[sev] = n
        edges = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]
        bands = list(pairwise(edges))
        hist = [c.execute("SELECT count(*) FROM segments WHERE risk >= ? AND risk < ?",
                          band).fetchone()[0] for band in bands]
        mean = c.execute("SELECT avg(risk) FROM segments").fetchone()[0]

        def pct(q: float) -> float | None:  # nearest rank, read through the risk index
            if not n_seg:
                return None
            row = c.execute("SELECT risk FROM segments ORDER BY risk LIMIT 1 OFFSET ?",
                            (min(n_seg - 1, int(q * n_seg)),)).fetchone()
            return round(row[0], 4)

        return RunSummary(
            database=str(self.path), signature=self.meta("signature"),
            files_total=files[0], files_done=files[1], segments=n_seg,
            flagged_segments=n_flagged, flags_by_category=by_cat,
            risk=RiskSummary(round(mean, 4) if mean is not None else None,
                             pct(0.5), pct(0.9), pct(0.99),
                             {f"{lo:.1f}-{min(hi, 1.0):.1f}": n
                              for (lo, hi), n in zip(bands, hist, strict=True)}),
            slowest_files=[
                FileTime(p, n, round(s, 3), round(n / s, 2) if s > 0 else None)
                for p, n, s in c.execute("SELECT path, n_segments, seconds FROM files "
                                         "ORDER BY seconds DESC LIMIT ?", (slowest,))],
            problems=[Problem(p, line, m) for p, line, m in c.execute(
                "SELECT path, line, message FROM problems ORDER BY rowid")],
            reviews=self.review_agreement(),
            screened_segments=c.execute(
                "SELECT count(*) FROM metrics WHERE name = 'cascade:screened' AND value = 1"
            ).fetchone()[0])

    def review_agreement(self) -> ReviewAgreement:
        """Per category and per check (signal): flags reviewers confirmed (or fixed) and
        rejected as false alarms; who reviewed, and in which files."""
        decided = list(self.current_flag_decisions().values())
        by: dict[str, dict[str, Verdicts]] = {"category": {}, "signal": {}}
        for d in decided:
            rejected = d.action == "reject"
            for kind, name in (("category", d.category), ("signal", d.signal)):
                row = by[kind].get(name or "?", Verdicts())
                by[kind][name or "?"] = Verdicts(row.confirmed + (not rejected),
                                                 row.rejected + rejected)
        files = sorted(self.file_progress(fid).path for fid in {d.key.file_id for d in decided})
        return ReviewAgreement(len(decided), by["category"], by["signal"],
                               sorted({d.reviewer for d in decided}), files)

    # -- decisions -------------------------------------------------------------------------

    def add_decision(self, key: SegmentKey, action: str, reviewer: str, at: str,
                     before: str | None, after: str | None) -> Decision:
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO decisions (file_id, ordinal, action, reviewer, at, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key.file_id, key.ordinal, action, reviewer, at, before, after))
        return Decision(int(cur.lastrowid or 0), key, action, reviewer, at, before, after)

    def add_undo(self, target: Decision, reviewer: str, at: str) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO decisions (file_id, ordinal, action, reviewer, at, undoes) "
                "VALUES (?, ?, 'undo', ?, ?, ?)",
                (target.key.file_id, target.key.ordinal, reviewer, at, target.id))

    def decision_in_force(self, decision_id: int | None = None,
                          reviewer: str | None = None) -> Decision | None:
        """Decision `decision_id` if it is in force, else `reviewer`'s latest in force."""
        if decision_id is not None:
            row = self.conn.execute(_EFFECTIVE + " AND d.id = ?", (decision_id,)).fetchone()
        else:
            row = self.conn.execute(_EFFECTIVE + " AND d.reviewer = ? ORDER BY d.id DESC "
                                    "LIMIT 1", (reviewer,)).fetchone()
        return _decision(row) if row else None

    def current_decision(self, key: SegmentKey) -> Decision | None:
        row = self.conn.execute(_CURRENT + " AND file_id = ? AND ordinal = ?",
                                (key.file_id, key.ordinal)).fetchone()
        return _decision(row) if row else None

    def current_decisions(self) -> dict[SegmentKey, Decision]:
        return {d.key: d for d in map(_decision, self.conn.execute(_CURRENT))}

    # -- per-flag decisions -----------------------------------------------------------------

    def add_flag_decision(self, key: SegmentKey, n: int, action: str, reviewer: str, at: str,
                          before: str | None, after: str | None, flag: Flag,
                          evidence: dict[str, Any]) -> FlagDecision:
        """A decision on flag `n` of a segment, with the flag's identity as it was."""
        identity = json.dumps({**flag.to_dict(), **evidence}, ensure_ascii=False)
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO flag_decisions (file_id, ordinal, n, action, reviewer, at, before, "
                "after, category, signal, flag) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (key.file_id, key.ordinal, n, action, reviewer, at, before, after,
                 flag.category, flag.signal, identity))
        return FlagDecision(int(cur.lastrowid or 0), key, n, action, reviewer, at, before,
                            after, flag.category, flag.signal, identity)

    def add_flag_undo(self, target: FlagDecision, reviewer: str, at: str) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO flag_decisions (file_id, ordinal, n, action, reviewer, at, undoes) "
                "VALUES (?, ?, ?, 'undo', ?, ?, ?)",
                (target.key.file_id, target.key.ordinal, target.n, reviewer, at, target.id))

    def flag_decisions(self, key: SegmentKey | None = None) -> list[FlagDecision]:
        """Flag decisions in force (not undos, not undone), oldest first; of one segment's
        flags when `key` is given."""
        if not self._has_flag_decisions:
            return []
        sql = (f"SELECT {_FLAG_DECISION_COLUMNS} FROM flag_decisions d WHERE d.action != "
               "'undo' AND d.id NOT IN (SELECT undoes FROM flag_decisions WHERE action = "
               "'undo' AND undoes IS NOT NULL)")
        params: tuple[Any, ...] = ()
        if key is not None:
            sql += " AND d.file_id = ? AND d.ordinal = ?"
            params = (key.file_id, key.ordinal)
        return [_flag_decision(row) for row in self.conn.execute(sql + " ORDER BY d.id", params)]

    def current_flag_decisions(self, key: SegmentKey | None = None
                               ) -> dict[tuple[SegmentKey, int], FlagDecision]:
        """Each flag's latest decision in force (of one segment's flags, with `key`)."""
        return {(d.key, d.n): d for d in self.flag_decisions(key)}

    def queue(self, where: QueueFilter) -> list[QueueEntry]:
        """Flagged segments, worst first, with their current decisions."""
        conds = ["s.n_flags > 0"]
        params: list[object] = []
        if where.category:
            conds.append("EXISTS (SELECT 1 FROM flags g WHERE g.file_id = s.file_id AND "
                         "g.ordinal = s.ordinal AND g.category = ?)")
            params.append(where.category)
        if where.severity:
            conds.append("s.severity = ?")
            params.append(where.severity)
        if where.path:
            conds.append("f.path LIKE ?")
            params.append(f"%{where.path}%")
        if where.search:
            conds.append("(s.text LIKE ? OR coalesce(s.source, '') LIKE ?)")
            params += [f"%{where.search}%", f"%{where.search}%"]
        rows = self.conn.execute(
            f"SELECT s.file_id, s.ordinal, f.path, s.line, {self._col}, s.risk, s.severity, "
            "s.text "
            f"FROM segments s JOIN files f ON f.id = s.file_id WHERE {' AND '.join(conds)} "
            "ORDER BY s.risk DESC, s.file_id, s.ordinal", params).fetchall()
        decided = self.current_decisions()
        return [QueueEntry(key, path, line, col, risk, sev, text, decided.get(key))
                for key, path, line, col, risk, sev, text in (
                    (SegmentKey(f, o), *rest) for f, o, *rest in rows)]
