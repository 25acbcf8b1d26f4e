"""Review decisions over a run database: the queue, the decisions, and undo.

Each accept / confirm / edit is one row written and committed at once, with the reviewer,
the time and the text before and after; undo appends a row that cancels an earlier one.
The current decision of a segment is its latest decision not undone. (The SQL is the run
database's; this module owns the rules.)
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime

from tqcheck.batch.records import ACTIONS, Decision, QueueEntry, SegmentKey
from tqcheck.batch.rundb import QueueFilter, RunDB
from tqcheck.errors import InputError
from tqcheck.types import SEVERITY_RANK

REVIEWER_ENV = "TQCHECK_REVIEWER"
STATES = ("all", "undecided", "decided")


def default_reviewer() -> str:
    return os.environ.get(REVIEWER_ENV) or getpass.getuser() or "reviewer"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Review:
    """Decisions on one run database (several Review objects may share it, in any process)."""

    def __init__(self, db: RunDB, reviewer: str | None = None) -> None:
        self.db = db
        self.reviewer = reviewer or default_reviewer()

    def current(self, key: SegmentKey) -> Decision | None:
        return self.db.current_decision(key)

    def all_current(self) -> dict[SegmentKey, Decision]:
        return self.db.current_decisions()

    def decide(self, key: SegmentKey, action: str, text: str | None = None) -> Decision:
        """Record accept (a false alarm), confirm (a real problem) or edit (with `text`)."""
        if action not in ACTIONS:
            raise InputError(f"unknown decision {action!r}; use {', '.join(ACTIONS)}")
        if action == "edit" and (text is None or not text.strip()):
            raise InputError("an edit needs the corrected text")
        original = self.db.segment_text(key)
        prev = self.current(key)
        before = prev.after if prev and prev.action == "edit" else original
        after = text if action == "edit" else None
        return self.db.add_decision(key, action, self.reviewer, _now(), before, after)

    def undo(self, decision_id: int | None = None) -> Decision | None:
        """Cancel a decision (default: this reviewer's latest one still in force)."""
        target = self.db.decision_in_force(decision_id, self.reviewer)
        if target is None:
            if decision_id is not None:
                raise InputError(f"no decision {decision_id} in force to undo")
            return None
        self.db.add_undo(target, self.reviewer, _now())
        return target

    def queue(self, category: str | None = None, severity: str | None = None,
              path: str | None = None, state: str = "all", search: str | None = None
              ) -> list[QueueEntry]:
        """Flagged segments, worst first, filtered. `state`: all, decided or undecided."""
        if severity and severity not in SEVERITY_RANK:
            raise InputError(f"unknown severity {severity!r}; use Minor or Major")
        if state not in STATES:
            raise InputError(f"unknown state {state!r}; use {', '.join(STATES)}")
        entries = self.db.queue(QueueFilter(category, severity, path, search))
        if state == "all":
            return entries
        return [e for e in entries if (e.decision is not None) == (state == "decided")]

    def counts(self) -> dict[str, int]:
        """How many segments carry each current decision."""
        out = dict.fromkeys(ACTIONS, 0)
        for d in self.all_current().values():
            out[d.action] += 1
        return out
