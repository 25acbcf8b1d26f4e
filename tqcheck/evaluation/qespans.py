"""Expert error spans on real MT in the WMT quality-estimation Task 2 format (the
../shared/data/qe-spans files): reading them, and how far flags fall in them.

Columns: mt_system, doc_id, seg_id, annotator_id, source, target, start_ids, end_ids, errors
(a header row or none). start/end are character offsets into the target, several spans
separated by spaces; `-1 -1 no-error` marks a segment without errors. A segment annotated by
several raters is one segment here, its spans pooled. A row whose target was split by CSV
quoting (an empty tenth field: the target began with a double quote) has the quote restored,
as the data's README says; a row that still does not fit is reported, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tqcheck.check.options import CheckOptions
from tqcheck.errors import InputError
from tqcheck.types import Flag, Problem, Segment

if TYPE_CHECKING:
    from tqcheck.signature import Signature
    from tqcheck.translate.base import BackendFactory


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
        if len(cells) == 10 and not cells[9].strip():
            # CSV quoting took the leading quote of the target and left an empty tenth
            # field: restore the quote, and the offsets fit (the data's README)
            cells = [*cells[:5], '"' + cells[5], *cells[6:9]]
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
        labels = gold_labels(seg)
        gold = {c for c, label in enumerate(labels) if label}
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


SEVERITY_WEIGHT = {"minor": 1.0, "major": 5.0}  # a segment's gold score: minus the sum
# (the MQM weights the data's README and WMT use)
PARTIAL = 0.5  # a gold character flagged with the other severity counts half


def gold_labels(seg: SpanSegment) -> list[str]:
    """Per target character: "" (no error), "minor" or "major" (the graver of the raters')."""
    labels = [""] * len(seg.target)
    for a, b, sev in seg.spans:
        for i in range(a, b):
            if labels[i] != "major":
                labels[i] = sev
    return labels


def predicted_labels(text: str, flags: Iterable[Flag]) -> list[str]:
    """Per target character: the graver severity of the target flags covering it, lower case."""
    labels = [""] * len(text)
    for f in flags:
        if f.side != "target":
            continue
        for i in range(max(0, f.start), min(len(text), f.end)):
            if labels[i] != "major":
                labels[i] = f.severity.lower()
    return labels


@dataclass
class SpanScore:
    """WMT23 QE Task 2 character scores pooled over a language pair."""

    matched: float = 0.0  # 1 per gold character flagged with its severity, 0.5 with the other
    predicted: int = 0  # characters flagged
    gold: int = 0  # characters in gold spans

    def add(self, gold: Sequence[str], pred: Sequence[str]) -> None:
        for g, p in zip(gold, pred, strict=True):
            self.predicted += bool(p)
            self.gold += bool(g)
            if g and p:
                self.matched += 1.0 if g == p else PARTIAL

    def figures(self) -> dict[str, float]:
        p = self.matched / self.predicted if self.predicted else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                "flagged_chars": self.predicted, "gold_chars": self.gold}


def gold_score(seg: SpanSegment) -> float:
    """The segment's gold sentence score: minus its errors' weights, averaged over raters."""
    return -sum(SEVERITY_WEIGHT[s] for _, _, s in seg.spans) / max(1, seg.raters)


def span_evaluation(segments: Sequence[SpanSegment], flags: Sequence[Iterable[Flag]],
                    risks: Sequence[float], similarity: Sequence[float | None]
                    ) -> dict[str, object]:
    """Span P/R/F1 as the shared task scores it, beside flagging every character (minor,
    and major), and sentence Spearman of -risk with the gold score, beside the sentence
    encoder's similarity alone."""
    from scipy.stats import spearmanr

    ours, every_minor, every_major = SpanScore(), SpanScore(), SpanScore()
    for seg, found in zip(segments, flags, strict=True):
        gold = gold_labels(seg)
        ours.add(gold, predicted_labels(seg.target, found))
        every_minor.add(gold, ["minor"] * len(gold))
        every_major.add(gold, ["major"] * len(gold))
    scores = [gold_score(s) for s in segments]

    def rho(values: Sequence[float]) -> float | None:
        if len(set(values)) < 2 or len(set(scores)) < 2:
            return None
        return round(float(spearmanr(values, scores).statistic), 4)

    sims = [s for s in similarity if s is not None]
    return {
        "segments": len(segments),
        "span": ours.figures(),
        "span_flag_every_character_minor": every_minor.figures(),
        "span_flag_every_character_major": every_major.figures(),
        "sentence_spearman": rho([-r for r in risks]),
        "sentence_spearman_similarity_alone": rho(list(sims))
        if len(sims) == len(segments) else None,
    }


def evaluate_spans(path: str | Path, options: CheckOptions, limit: int | None = None,
                   progress: Callable[[int], None] | None = None,
                   factory: BackendFactory | None = None, spread: bool = False
                   ) -> tuple[dict[str, object], Signature]:
    """Check every segment of a span file (with its source) and score the flags as the
    shared task does; the figures name their definitions. `limit`: the first N segments
    (`spread`: N spread evenly over the file)."""
    from tqcheck.pipeline.checker import Checker

    problems: list[Problem] = []
    segments = read_spans(path, problems)
    if limit and spread:
        segments = segments[::max(1, len(segments) // limit)][:limit]
    elif limit:
        segments = segments[:limit]
    if not segments:
        raise InputError(f"{path}: no segments")
    checker = Checker(options, factory)
    flags: list[list[Flag]] = []
    risks: list[float] = []
    sims: list[float | None] = []
    chunk = 256
    for lo in range(0, len(segments), chunk):
        part = segments[lo:lo + chunk]
        result = checker.check([Segment(lo + k, s.target, 0, len(s.target), lo + k + 1,
                                        source=s.source if options.src_lang else None)
                                for k, s in enumerate(part)])
        for r in result.segments:
            flags.append(list(r.flags))
            risks.append(r.risk)
            sims.append(r.signals.similarity)
        if progress is not None:
            progress(len(part))
    figures = span_evaluation(segments, flags, risks, sims)
    figures["rows_skipped"] = [str(p) for p in problems]
    figures["definitions"] = {
        "span": "WMT23 QE Task 2: per character, pooled over the file; a gold error character "
                "counts 1 when flagged with its severity, 0.5 with the other; flagged "
                "characters outside gold spans count against precision; raters pooled (the "
                "graver severity)",
        "sentence_spearman": "Spearman of -risk with the gold score (minus minor 1, major 5 "
                             "per error, averaged over raters)",
        "sentence_spearman_similarity_alone": "the same, of the source-text similarity "
                                              "(multilingual USE) alone",
    }
    return figures, checker.signature()
