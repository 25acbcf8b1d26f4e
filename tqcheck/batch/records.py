"""What a run database holds, as the records its readers get back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tqcheck.types import SegmentResult

ACTIONS = ("accept", "confirm", "edit")  # review decisions; "undo" cancels one
FLAG_ACTIONS = ("confirm", "reject", "fix")  # decisions on one flag; "undo" cancels one


@dataclass(frozen=True)
class SegmentKey:
    """A segment of a run: the file's id in the run database and the segment's ordinal."""

    file_id: int
    ordinal: int

    def __str__(self) -> str:
        return f"{self.file_id}:{self.ordinal}"

    @classmethod
    def parse(cls, text: str) -> SegmentKey | None:
        """The key written as FILE_ID:ORDINAL (field `key` of `tqcheck export`), or None."""
        m = re.fullmatch(r"\s*(\d+):(\d+)\s*", text)
        return cls(int(m.group(1)), int(m.group(2))) if m else None


@dataclass(frozen=True)
class FileState:
    id: int
    status: str  # pending | done
    n_segments: int
    digest: str | None  # sha256 of the content, recorded when the file was done


@dataclass(frozen=True)
class FileProgress:
    path: str
    n_segments: int
    seconds: float


@dataclass(frozen=True)
class StoredSegment:
    """A segment as the run database holds it: where it came from and its result."""

    key: SegmentKey
    path: str
    doc: str
    seg_id: str  # the input's id column, else the ordinal
    result: SegmentResult

    @property
    def location(self) -> str:
        """PATH:LINE:COL, as the report, the review app and `tqcheck decide` show it."""
        return self.result.segment.location(self.path)


@dataclass(frozen=True)
class Decision:
    id: int
    key: SegmentKey
    action: str
    reviewer: str
    at: str  # ISO 8601, UTC
    before: str | None
    after: str | None


@dataclass(frozen=True)
class FlagDecision:
    """A reviewer's verdict on one flag: confirmed, rejected as a false alarm, or fixed (the
    segment's text before and after), with the flag's identity as it was when decided:
    category, signal (the check or rule), and in `flag` the whole flag as JSON with the
    segment's metrics, so that decisions can serve as labels later."""

    id: int
    key: SegmentKey
    n: int  # the flag's index among the segment's flags (0-based)
    action: str
    reviewer: str
    at: str
    before: str | None
    after: str | None
    category: str | None
    signal: str | None
    flag: str | None


@dataclass(frozen=True)
class QueueEntry:
    """A flagged segment in the review queue, with its current decision."""

    key: SegmentKey
    path: str
    line: int
    column: int  # 0: unknown
    risk: float
    severity: str | None
    text: str
    decision: Decision | None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" + (f":{self.column}" if self.column > 0 else "")


@dataclass(frozen=True)
class ScoredSpan:
    """Where a scored segment lies in its file (for the corrected export)."""

    ordinal: int
    start: int
    end: int
    text: str
    line: int
