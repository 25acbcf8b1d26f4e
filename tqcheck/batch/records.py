"""What a run database holds, as the records its readers get back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tqcheck.errors import InputError
from tqcheck.types import SegmentResult

ACTIONS = ("accept", "confirm", "edit")  # review decisions; "undo" cancels one


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
class FileState:
    id: int
    status: str  # pending | done
    n_segments: int


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
class QueueEntry:
    """A flagged segment in the review queue, with its current decision."""

    key: SegmentKey
    path: str
    risk: float
    severity: str | None
    text: str
    decision: Decision | None


@dataclass(frozen=True)
class ScoredSpan:
    """Where a scored segment lies in its file (for the corrected export)."""

    ordinal: int
    start: int
    end: int
    text: str
    line: int
