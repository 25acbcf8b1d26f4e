"""The shared vocabulary: plain dataclasses that every module passes around."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["Minor", "Major"]
Side = Literal["target", "source"]

CATEGORIES: tuple[str, ...] = (
    "Style/Awkward",
    "Accuracy/Omission",
    "Accuracy/Addition",
    "Accuracy/Mistranslation",
    "Accuracy/Untranslated text",
    "Accuracy/Number",
    "Fluency/Grammar",
    "Fluency/Repetition",
    "Fluency/Punctuation",
    "Fluency/Spelling",
)
SEVERITIES: tuple[str, ...] = ("Minor", "Major")
SEVERITY_RANK: dict[str, int] = {"Minor": 1, "Major": 2}


@dataclass(frozen=True)
class Segment:
    """One sentence of the input, with character offsets into the whole input text."""

    id: int
    text: str
    start: int
    end: int
    line: int  # 1-based line of the input where the segment starts
    source: str | None = None
    notes: tuple[str, ...] = ()  # e.g. "split: sentence longer than 2000 characters"


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) of a segment's text (or of its source)."""

    start: int
    end: int
    side: Side = "target"

    def overlaps(self, other: Span) -> bool:
        return self.side == other.side and self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Flag:
    """A problem found in a segment: where, what kind (MQM category), how bad, and why."""

    start: int
    end: int
    category: str
    severity: Severity
    message: str
    suggestion: str | None = None
    side: Side = "target"  # omissions are located in the source when one is given
    signal: str = ""  # which check produced it: "roundtrip", "likelihood", "rules", ...

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TokenScores:
    """Forced-decoding scores of a target under a model, one entry per subword token.

    `best_*` is what the model itself would have emitted at that position given the same
    prefix; the gap between the two is the token's surprisal relative to the model's choice.
    """

    tokens: tuple[str, ...]
    logprobs: tuple[float, ...]
    best_tokens: tuple[str, ...]
    best_logprobs: tuple[float, ...]
    offsets: tuple[tuple[int, int], ...]  # character range of each token in the target text

    @property
    def mean_logprob(self) -> float:
        return sum(self.logprobs) / len(self.logprobs) if self.logprobs else 0.0


@dataclass
class SegmentResult:
    """Everything tqcheck learned about one segment."""

    segment: Segment
    backtranslations: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    risk: float = 0.0
    flags: list[Flag] = field(default_factory=list)

    def worst_severity(self) -> str | None:
        if not self.flags:
            return None
        return max((f.severity for f in self.flags), key=SEVERITY_RANK.__getitem__)

    def to_dict(self) -> dict[str, Any]:
        seg = self.segment
        return {
            "id": seg.id,
            "text": seg.text,
            "start": seg.start,
            "end": seg.end,
            "line": seg.line,
            "source": seg.source,
            "notes": list(seg.notes),
            "backtranslations": dict(self.backtranslations),
            "metrics": {k: round(v, 4) for k, v in self.metrics.items()},
            "risk": round(self.risk, 4),
            "flags": [f.to_dict() for f in self.flags],
        }


@dataclass
class CheckResult:
    """The result of checking one input: segments plus the signature that reproduces them."""

    signature: str
    segments: list[SegmentResult]
    tqcheck_version: str
    input_name: str = "-"

    def to_dict(self) -> dict[str, Any]:
        return {
            "tqcheck_version": self.tqcheck_version,
            "signature": self.signature,
            "input": self.input_name,
            "segments": [s.to_dict() for s in self.segments],
        }
