"""Review decisions over a run database: the queue, the decisions, and undo.

Each accept / confirm / edit is one row written and committed at once, with the reviewer,
the time and the text before and after; undo appends a row that cancels an earlier one.
The current decision of a segment is its latest decision not undone. A flag can be decided
on its own too: confirmed, rejected as a false alarm, or fixed by its suggestion (shown
first: `fixed_text`), each kept with the flag's identity so that decisions can serve as
labels. (The SQL is the run database's; this module owns the rules.)
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime
from pathlib import Path

from tqcheck.errors import InputError
from tqcheck.run.records import (
    ACTIONS,
    FLAG_ACTIONS,
    Decision,
    FlagDecision,
    QueueEntry,
    SegmentKey,
    StoredSegment,
)
from tqcheck.run.rundb import QueueFilter, RunDB
from tqcheck.types import SEVERITY_RANK, Flag

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

    def conflict(self, key: SegmentKey) -> str | None:
        """Where the segment's decision and its flags' decisions disagree: accepted as a
        false alarm while a flag of it was confirmed (or fixed), or confirmed as a problem
        while every flag of it was rejected. None when they agree."""
        d = self.current(key)
        if d is None or d.action == "edit":
            return None
        verdicts = self.db.current_flag_decisions(key)
        real = sorted(n + 1 for (_, n), v in verdicts.items() if v.action != "reject")
        if d.action == "accept" and real:
            return (f"accepted as a false alarm, but flag {', '.join(map(str, real))} was "
                    "confirmed: decide again (c) or undo the flag's decision (z)")
        stored = self.db.get(key)
        n_flags = len(stored.result.flags) if stored else 0
        if d.action == "confirm" and n_flags and len(verdicts) == n_flags and not real:
            return ("confirmed as a problem, but every flag was rejected: which problem? "
                    "edit it (e) or accept the segment (a)")
        return None

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

    def _flag(self, key: SegmentKey, n: int) -> tuple[StoredSegment, Flag]:
        stored = self.db.get(key)
        if stored is None:
            raise InputError(f"no segment {key} in {self.db.path}")
        flags = stored.result.flags
        if not 0 <= n < len(flags):
            raise InputError(f"segment {stored.location} has {len(flags)} flag(s); there is "
                             f"no flag {n + 1}")
        return stored, flags[n]

    def fixed_text(self, key: SegmentKey, n: int) -> str:
        """The segment as it would read with flag `n`'s suggestion applied (and nothing
        else): what a reviewer sees before applying it."""
        stored, flag = self._flag(key, n)
        if flag.side != "target" or not flag.suggestion:
            raise InputError(f"flag {n + 1} of {stored.location} has no suggestion to apply")
        prev = self.current(key)
        if prev is not None and prev.action == "edit":
            raise InputError(f"{stored.location} was edited already: the flag's offsets no "
                             "longer hold; edit the segment instead")
        text = stored.result.segment.text
        return text[:flag.start] + flag.suggestion + text[flag.end:]

    def decide_flag(self, key: SegmentKey, n: int, action: str) -> FlagDecision:
        """Confirm flag `n` (0-based), reject it as a false alarm, or fix it (its suggestion
        applied: the segment gets that edit too, so the corrected export has it)."""
        if action not in FLAG_ACTIONS:
            raise InputError(f"unknown flag decision {action!r}; use {', '.join(FLAG_ACTIONS)}")
        stored, flag = self._flag(key, n)
        before = after = None
        if action == "fix":
            after = self.fixed_text(key, n)
            before = stored.result.segment.text
            self.decide(key, "edit", after)
        evidence = {"excerpt": stored.result.excerpt(flag), "metrics": stored.result.metrics,
                    "risk": stored.result.risk}
        return self.db.add_flag_decision(key, n, action, self.reviewer, _now(), before, after,
                                         flag, evidence)

    def ignore_everywhere(self, key: SegmentKey, n: int) -> tuple[str, int, Path]:
        """A false alarm on a word (a name, a term): reject this flag and every undecided
        flag of the run on the same word, and add the word to the user's ignore list, which
        every later check reads (tqcheck.check.environment.ignore_file). Returns the word, the
        flags rejected and the list's path."""
        from tqcheck.check.environment import ignore_file

        stored, flag = self._flag(key, n)
        word = stored.result.excerpt(flag).strip()
        if not word or len(word.split()) > 1:
            raise InputError(f"flag {n + 1} of {stored.location} covers {word!r}: the ignore "
                             "list holds single words (names, terms), not phrases")
        decided = self.db.current_flag_decisions()
        rejected = 0
        for other in list(self.db.results(flagged_only=True)):
            for m, f in enumerate(other.result.flags):
                same = other.result.excerpt(f).strip().casefold() == word.casefold()
                if same and ((other.key, m) not in decided or (other.key, m) == (key, n)):
                    self.decide_flag(other.key, m, "reject")
                    rejected += 1
        path = ignore_file()
        try:
            text = path.read_bytes().decode("utf-8") if path.is_file() else ""
            if word not in text.split():
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("a", encoding="utf-8") as fh:
                    fh.write(("\n" if text and not text.endswith("\n") else "") + word + "\n")
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
            raise InputError(f"{path}: cannot add {word!r} to the ignore list "
                             f"({why or exc})") from None
        return word, rejected, path

    def flag_decision(self, key: SegmentKey, n: int) -> FlagDecision | None:
        return self.db.current_flag_decisions(key).get((key, n))

    def undo_flag(self, key: SegmentKey, n: int) -> FlagDecision | None:
        """Cancel the decision in force on flag `n` (a fix's edit is undone with it)."""
        target = self.flag_decision(key, n)
        if target is None:
            return None
        self.db.add_flag_undo(target, self.reviewer, _now())
        if target.action == "fix":
            edit = self.current(key)
            if edit is not None and edit.action == "edit" and edit.after == target.after:
                self.db.add_undo(edit, self.reviewer, _now())
        return target

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
