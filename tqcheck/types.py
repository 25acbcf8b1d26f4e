"""The shared vocabulary: plain dataclasses that every package passes around."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

from tqcheck.signals import Signals

if TYPE_CHECKING:
    from tqcheck.signature import Signature

Severity = Literal["Minor", "Major"]
Side = Literal["target", "source"]

# The MQM categories tqcheck reports (docs/output.md); a flag of another category is a bug.
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
    notes: tuple[str, ...] = ()  # e.g. "split: sentence longer than 1500 characters"
    # 1-based column (in characters) of the segment's first character in its input line,
    # so that `line:column + flag.start` points at a flag; 0 when unknown (escaped JSON)
    column: int = 0

    def location(self, path: str, offset: int = 0) -> str:
        """`path:line:column` of the character `offset` into the segment (as compilers
        print it), or `path:line` when the column is unknown."""
        if self.column <= 0:
            return f"{path}:{self.line}"
        return f"{path}:{self.line}:{self.column + offset}"

    def text_on(self, side: Side) -> str:
        """The text a flag on `side` points into: the segment's, or its source's."""
        return self.text if side == "target" else (self.source or "")


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) of a segment's text (or of its source)."""

    start: int
    end: int
    side: Side = "target"


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

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES or self.severity not in SEVERITY_RANK:
            raise ValueError(f"flag of unknown category or severity: {self.category!r}, "
                             f"{self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _FLAG_FIELDS}


_FLAG_FIELDS = tuple(f.name for f in fields(Flag))


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


@dataclass(frozen=True)
class RiskBands:
    """Where a segment's risk stands among real machine translation (a profile's
    `[risk.bands]`): from `medium` on it is riskier than 70 % of the segments the bands were
    measured on, from `high` on riskier than 90 %. A risk is a rank, not a probability of
    being fine: "risk 0.06" can be high."""

    medium: float
    high: float

    def of(self, risk: float) -> str:
        """low, medium or high."""
        return "high" if risk >= self.high else "medium" if risk >= self.medium else "low"

    def explain(self) -> str:
        return (f"risk bands: high from {self.high:.3g} (riskier than 90 % of real MT "
                f"segments the profile's bands were measured on), medium from "
                f"{self.medium:.3g} (70 %), else low")


@dataclass(frozen=True)
class Problem:
    """Input that was skipped (or only partly used), with where it is."""

    path: str
    line: int  # 0: the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else \
            f"{self.path}: {self.message}"


@dataclass(frozen=True)
class CheckFailure:
    """A check that raised on one segment: the segment was scored by the other checks."""

    check: str  # the check's name (family:id)
    segment: int  # the segment's id
    line: int  # its line in the input
    message: str  # the exception, as "Type: message"
    index: int = 0  # the segment's position among the results

    def __str__(self) -> str:
        return f"{self.line}: check {self.check} failed ({self.message}); the segment was " \
               "scored without it"


@dataclass
class SegmentResult:
    """Everything tqcheck learned about one segment."""

    segment: Segment
    backtranslations: dict[str, str] = field(default_factory=dict)
    signals: Signals = field(default_factory=Signals)
    risk: float = 0.0
    flags: list[Flag] = field(default_factory=list)

    @property
    def metrics(self) -> dict[str, float]:
        """The signals under their flat output names (docs/output.md)."""
        return self.signals.to_metrics()

    def worst_severity(self) -> str | None:
        if not self.flags:
            return None
        return max((f.severity for f in self.flags), key=SEVERITY_RANK.__getitem__)

    def excerpt(self, flag: Flag) -> str:
        """The flagged text."""
        return self.segment.text_on(flag.side)[flag.start:flag.end]

    def to_dict(self) -> dict[str, Any]:
        seg = self.segment
        return {
            "id": seg.id,
            "text": seg.text,
            "start": seg.start,
            "end": seg.end,
            "line": seg.line,
            "column": seg.column,
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

    signature: Signature
    segments: list[SegmentResult]
    tqcheck_version: str
    input_name: str = "-"
    problems: list[Problem] = field(default_factory=list)  # input lines that were skipped
    failures: list[CheckFailure] = field(default_factory=list)  # checks that raised
    risk_bands: RiskBands | None = None  # the profile's, for readers (not in the JSON)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "tqcheck_version": self.tqcheck_version,
            "signature": str(self.signature),
            "input": self.input_name,
            "problems": [asdict(p) for p in self.problems],
        }
        if self.failures:  # (absent when every check ran, as on every output before it)
            out["failures"] = [asdict(f) for f in self.failures]
        out["segments"] = [s.to_dict() for s in self.segments]
        return out
