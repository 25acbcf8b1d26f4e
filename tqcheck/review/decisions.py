"""Review decisions over a run database: the queue, the decisions, and undo.

Decisions are an append-only log (table `decisions`): each accept / confirm / edit is one
row written and committed at once, with the reviewer, the time and the text before and
after; undo appends a row that cancels an earlier one. Appending never overwrites, so two
reviewers on the same database lose nothing; the current decision of a segment is its
latest decision not undone.
"""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from tqcheck.batch.rundb import RunDB
from tqcheck.errors import InputError
from tqcheck.types import SEVERITY_RANK

ACTIONS = ("accept", "confirm", "edit")
REVIEWER_ENV = "TQCHECK_REVIEWER"

_COLUMNS = "id, file_id, ordinal, action, reviewer, at, before, after, undoes"
_EFFECTIVE = f"""
    SELECT {_COLUMNS} FROM decisions d
    WHERE d.action != 'undo'
      AND d.id NOT IN (SELECT undoes FROM decisions WHERE action = 'undo' AND undoes IS NOT NULL)
"""
_CURRENT = f"""
    SELECT {_COLUMNS} FROM (
        SELECT e.*, row_number() OVER (PARTITION BY file_id, ordinal ORDER BY id DESC) AS rn
        FROM ({_EFFECTIVE}) e)
    WHERE rn = 1
"""


def default_reviewer() -> str:
    return os.environ.get(REVIEWER_ENV) or getpass.getuser() or "reviewer"


@dataclass(frozen=True)
class SegmentKey:
    """A segment of a run: the file's id in the run database and the segment's ordinal."""

    file_id: int
    ordinal: int

    def __str__(self) -> str:
        return f"{self.file_id}:{self.ordinal}"

    @classmethod
    def parse(cls, text: str) -> SegmentKey:
        m = re.fullmatch(r"\s*(\d+):(\d+)\s*", text)
        if not m:
            raise InputError(f"segment id {text!r}: use FILE:N as shown by `tqcheck review`, "
                             "the report and `tqcheck export` (field `key`)")
        return cls(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class Decision:
    id: int
    key: SegmentKey
    action: str
    reviewer: str
    at: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class QueueEntry:
    key: SegmentKey
    path: str
    risk: float
    severity: str | None
    text: str
    decision: Decision | None


def _decision(row: tuple) -> Decision:
    id_, file_id, ordinal, action, reviewer, at, before, after, _undoes = row
    return Decision(id_, SegmentKey(file_id, ordinal), action, reviewer, at, before, after)


class Review:
    """Decisions on one run database (several Review objects may share it, in any process)."""

    def __init__(self, db: RunDB, reviewer: str | None = None) -> None:
        self.db = db
        self.reviewer = reviewer or default_reviewer()

    def text_of(self, key: SegmentKey) -> str:
        row = self.db.conn.execute("SELECT text FROM segments WHERE file_id = ? AND ordinal = ?",
                                   (key.file_id, key.ordinal)).fetchone()
        if row is None:
            raise InputError(f"{self.db.path}: no segment {key}")
        return row[0]

    def current(self, key: SegmentKey) -> Decision | None:
        row = self.db.conn.execute(_CURRENT + " AND file_id = ? AND ordinal = ?",
                                   (key.file_id, key.ordinal)).fetchone()
        return _decision(row) if row else None

    def all_current(self) -> dict[SegmentKey, Decision]:
        return {d.key: d for d in map(_decision, self.db.conn.execute(_CURRENT))}

    def decide(self, key: SegmentKey, action: str, text: str | None = None) -> Decision:
        """Record accept (a false alarm), confirm (a real problem) or edit (with `text`)."""
        if action not in ACTIONS:
            raise InputError(f"unknown decision {action!r}; use {', '.join(ACTIONS)}")
        if action == "edit" and (text is None or not text.strip()):
            raise InputError("an edit needs the corrected text")
        original = self.text_of(key)
        prev = self.current(key)
        before = prev.after if prev and prev.action == "edit" else original
        after = text if action == "edit" else None
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db.conn:
            cur = self.db.conn.execute(
                "INSERT INTO decisions (file_id, ordinal, action, reviewer, at, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key.file_id, key.ordinal, action, self.reviewer, at, before, after))
        return Decision(int(cur.lastrowid or 0), key, action, self.reviewer, at, before, after)

    def undo(self, decision_id: int | None = None) -> Decision | None:
        """Cancel a decision (default: this reviewer's latest one still in force)."""
        if decision_id is None:
            row = self.db.conn.execute(
                _EFFECTIVE + " AND d.reviewer = ? ORDER BY d.id DESC LIMIT 1",
                (self.reviewer,)).fetchone()
            if row is None:
                return None
        else:
            row = self.db.conn.execute(_EFFECTIVE + " AND d.id = ?", (decision_id,)).fetchone()
            if row is None:
                raise InputError(f"no decision {decision_id} in force to undo")
        target = _decision(row)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db.conn:
            self.db.conn.execute(
                "INSERT INTO decisions (file_id, ordinal, action, reviewer, at, undoes) "
                "VALUES (?, ?, 'undo', ?, ?, ?)",
                (target.key.file_id, target.key.ordinal, self.reviewer, at, target.id))
        return target

    def queue(self, category: str | None = None, severity: str | None = None,
              path: str | None = None, state: str = "all", search: str | None = None
              ) -> list[QueueEntry]:
        """Flagged segments, worst first, filtered. `state`: all, decided or undecided."""
        where = ["s.n_flags > 0"]
        params: list[object] = []
        if category:
            where.append("EXISTS (SELECT 1 FROM flags g WHERE g.file_id = s.file_id AND "
                         "g.ordinal = s.ordinal AND g.category = ?)")
            params.append(category)
        if severity:
            if severity not in SEVERITY_RANK:
                raise InputError(f"unknown severity {severity!r}; use Minor or Major")
            where.append("s.severity = ?")
            params.append(severity)
        if path:
            where.append("f.path LIKE ?")
            params.append(f"%{path}%")
        if search:
            where.append("(s.text LIKE ? OR coalesce(s.source, '') LIKE ?)")
            params += [f"%{search}%", f"%{search}%"]
        rows = self.db.conn.execute(
            "SELECT s.file_id, s.ordinal, f.path, s.risk, s.severity, s.text FROM segments s "
            f"JOIN files f ON f.id = s.file_id WHERE {' AND '.join(where)} "
            "ORDER BY s.risk DESC, s.file_id, s.ordinal", params).fetchall()
        decided = self.all_current()
        out = []
        for file_id, ordinal, p, risk, sev, text in rows:
            key = SegmentKey(file_id, ordinal)
            d = decided.get(key)
            if (state == "decided" and d is None) or (state == "undecided" and d is not None):
                continue
            out.append(QueueEntry(key, p, risk, sev, text, d))
        return out

    def counts(self) -> dict[str, int]:
        """How many segments carry each current decision."""
        out = dict.fromkeys(ACTIONS, 0)
        for d in self.all_current().values():
            out[d.action] += 1
        return out
