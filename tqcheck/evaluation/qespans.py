"""Expert error spans on real MT in the WMT quality-estimation Task 2 format (the
../shared/data/qe-spans files): reading them, and how far flags fall in them.

Columns: mt_system, doc_id, seg_id, annotator_id, source, target, start_ids, end_ids, errors
(a header row or none). start/end are character offsets into the target, several spans
separated by spaces; `-1 -1 no-error` marks a segment without errors. A segment annotated by
several raters is one segment here, its spans pooled. A row whose target was split by CSV
quoting (a tenth field: the target began with a double quote) has the quote restored, as the
data's README says; a row that still does not fit is reported, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqcheck.errors import InputError
from tqcheck.types import Flag, Problem


@dataclass
class SpanSegment:
    """One translated segment with its source and the error spans its raters marked."""

    source: str
    target: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, severity
    raters: int = 0

    @property
    def clean(self) -> bool:
        """No rater marked an error."""
        return not self.spans


def read_spans(path: str | Path, problems: list[Problem] | None = None) -> list[SpanSegment]:
    """The segments of a Task 2 span file, raters pooled, in file order."""
    path = Path(path)
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    segments: dict[tuple[str, str, str, str], SpanSegment] = {}
    for number, line in enumerate(lines, 1):
        cells = line.split("\t")
        if not line.strip() or cells[0] == "mt_system":
            continue
        if len(cells) == 10:  # a target that began with a quote, split by CSV quoting
            cells = [*cells[:5], '"' + cells[5] + cells[6], *cells[7:]]
        if len(cells) != 9:
            if problems is not None:
                problems.append(Problem(str(path), number, f"{len(cells)} fields, not 9; "
                                                           "row skipped"))
            continue
        system, doc, seg, _rater, source, target, starts, ends, errors = cells
        key = (system, doc, seg, target)
        s = segments.setdefault(key, SpanSegment(source, target))
        s.raters += 1
        for a, b, sev in zip(starts.split(), ends.split(), errors.split(), strict=False):
            if sev in ("minor", "major") and 0 <= int(a) < int(b) <= len(target):
                s.spans.append((int(a), int(b), sev))
    return list(segments.values())


@dataclass
class SpanFigures:
    """Flags against gold spans: characters, per check or overall."""

    flags: int = 0
    flagged_chars: int = 0
    in_gold: int = 0  # flagged characters inside some gold span
    clean_flags: int = 0  # flags on segments no rater found an error in

    @property
    def precision(self) -> float | None:
        return self.in_gold / self.flagged_chars if self.flagged_chars else None


def flag_figures(segments: Sequence[SpanSegment], flags: Sequence[Iterable[Flag]],
                 key: str = "signal") -> tuple[dict[str, SpanFigures], int, int]:
    """Per check (the flag's signal family:id, or its `category`), how many of its target
    flags' characters lie in gold spans, and its flags on clean segments; with the number of
    clean segments and of gold error characters."""
    out: dict[str, SpanFigures] = {}
    clean = gold_chars = 0
    for seg, found in zip(segments, flags, strict=True):
        gold = set()
        for a, b, _ in seg.spans:
            gold.update(range(a, b))
        gold_chars += len(gold)
        clean += seg.clean
        for f in found:
            if f.side != "target":
                continue
            name = f.category if key == "category" else f.signal.split("/")[0]
            fig = out.setdefault(name, SpanFigures())
            chars = range(f.start, f.end)
            fig.flags += 1
            fig.flagged_chars += len(chars)
            fig.in_gold += sum(c in gold for c in chars)
            fig.clean_flags += seg.clean
    return out, clean, gold_chars
