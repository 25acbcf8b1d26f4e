"""What a run database holds, as the records its readers get back."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from tqcheck.types import Problem, SegmentResult

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
        """The key written as FILE_ID:ORDINAL (field `key` of `tqcheck export`) in ASCII
        digits, or None (also for numbers beyond what the database can hold)."""
        m = re.fullmatch(r"\s*([0-9]+):([0-9]+)\s*", text)
        if m is None or not all(storable(int(g)) for g in m.groups()):
            return None
        return cls(int(m.group(1)), int(m.group(2)))


def storable(n: int) -> bool:
    """Whether SQLite can hold `n` as an INTEGER (a larger one names no row)."""
    return 0 <= n < 2**63


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


@dataclass(frozen=True)
class Verdicts:
    """Flags reviewers confirmed (or fixed) and rejected, of one category or check."""

    confirmed: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class ReviewAgreement:
    """Per category and per check (signal): what reviewers made of the flags."""

    flags_decided: int = 0
    by_category: dict[str, Verdicts] = field(default_factory=dict)
    by_signal: dict[str, Verdicts] = field(default_factory=dict)
    reviewers: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RiskSummary:
    """The risk distribution of a run: mean, nearest-rank percentiles, a histogram."""

    mean: float | None
    p50: float | None
    p90: float | None
    p99: float | None
    histogram: dict[str, int]  # "0.0-0.1" -> segments


@dataclass(frozen=True)
class FileTime:
    path: str
    segments: int
    seconds: float
    segments_per_s: float | None


@dataclass(frozen=True)
class RunSummary:
    """`tqcheck summary`: counts, the risk distribution, the slowest files, the problems and
    the reviewers' agreement of one run; `to_dict` is the JSON of `summary --json`."""

    database: str
    signature: str | None
    files_total: int
    files_done: int
    segments: int
    flagged_segments: int
    flags_by_category: dict[str, dict[str, int]]  # category -> severity -> flags
    risk: RiskSummary
    slowest_files: list[FileTime]
    problems: list[Problem]
    reviews: ReviewAgreement
    screened_segments: int = 0  # --budget: left to the screening by the model passes

    def to_dict(self) -> dict[str, Any]:
        return {"database": self.database, "signature": self.signature,
                "files": {"total": self.files_total, "done": self.files_done},
                "segments": self.segments, "flagged_segments": self.flagged_segments,
                "screened_segments": self.screened_segments,
                "flags_by_category": self.flags_by_category, "risk": asdict(self.risk),
                "slowest_files": [asdict(f) for f in self.slowest_files],
                "problems": [asdict(p) for p in self.problems],
                "reviews": asdict(self.reviews)}
