"""How far tqcheck agrees with human MQM judgments.

Segment-level correlations (Pearson, Spearman, Kendall tau-b, tie-calibrated pairwise
accuracy grouped by source segment, as in the WMT23 metrics task), system-level pairwise
accuracy, good/bad detection (the line and the risk threshold are in
configs/evaluation.toml), and character-level span precision/recall/F1 overall and per
category.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tqcheck.batch.runner import score_settings
from tqcheck.check.checker import Checker
from tqcheck.check.options import CheckOptions
from tqcheck.config import config_table
from tqcheck.evaluation.mqm import MQMSegment, mqm_settings, tqcheck_category
from tqcheck.evaluation.stats import (
    auroc,
    char_prf,
    kendall_tau_b,
    pairwise_accuracy_tie_calibrated,
    pearson,
    spearman,
    system_pairwise_accuracy,
)
from tqcheck.signature import Signature
from tqcheck.translate.base import BackendSettings
from tqcheck.types import CATEGORIES, Segment, SegmentResult

# The categories MQM annotations share with tqcheck (numbers and repetitions are not MQM's).
SPAN_CATEGORIES = tuple(c for c in CATEGORIES
                        if c not in ("Accuracy/Number", "Fluency/Repetition"))


@dataclass(frozen=True)
class DetectionSettings:
    """`[detection]` of configs/evaluation.toml."""

    risk_threshold: float  # a segment at least this risky is predicted bad


def detection_settings() -> DetectionSettings:
    return config_table(DetectionSettings, "evaluation.toml", "detection")


@dataclass(frozen=True)
class EvalOptions:
    src_lang: str
    lang: str
    target_only: bool = False
    model_free: bool = False
    profile: str = CheckOptions.profile
    models_dir: str | None = None
    device: str = BackendSettings.device
    dialect: str | None = None
    dictionaries: tuple[str, ...] = ()
    checklists: tuple[str, ...] = ()

    def check_options(self) -> CheckOptions:
        return CheckOptions(lang=self.lang, src_lang=None if self.target_only else self.src_lang,
                            profile=self.profile, models_dir=self.models_dir,
                            backend=BackendSettings(device=self.device),
                            model_free=self.model_free, similarity=not self.target_only,
                            dialect=self.dialect, dictionaries=self.dictionaries,
                            checklists=self.checklists)


def run_checker(mqm: Sequence[MQMSegment], options: EvalOptions,
                progress: Callable[[int], None] | None = None,
                checker: Checker | None = None) -> tuple[list[SegmentResult], Signature]:
    """Check every MQM segment's target (with its source unless target-only), a chunk of
    configs/score.toml's size at a time."""
    checker = checker or Checker(options.check_options())
    chunk = score_settings().chunk_segments
    results: list[SegmentResult] = []
    for k in range(0, len(mqm), chunk):
        part = mqm[k:k + chunk]
        segs = [Segment(id=k + i, text=m.target, start=0, end=len(m.target), line=k + i + 1,
                        source=None if options.target_only else m.source)
                for i, m in enumerate(part)]
        results += checker.check(segs, input_name="mqm").segments
        if progress:
            progress(len(part))
    return results, checker.signature()


def span_prf(mqm: Sequence[MQMSegment], results: Sequence[SegmentResult],
             category: str | None = None) -> dict[str, float]:
    """Character-level P/R/F1 of flags against the union of raters' spans (Minor and Major
    errors), on each side: omission spans are compared on the source side. With a
    `category`, the flags of that tqcheck category against the spans of the MQM categories
    configs/evaluation.toml maps to it, and `precision_any`: the share of those flags'
    characters inside an annotated error of any category (raters often file a garbled
    word under Mistranslation, not Spelling)."""
    def pairs(gold_category: str | None):
        for m, r in zip(mqm, results, strict=True):
            for side in ("target", "source"):
                gold = [(e.span.start, e.span.end) for e in m.errors
                        if e.span is not None and e.span.side == side
                        and e.severity.lower() in ("major", "minor")
                        and (gold_category is None
                             or tqcheck_category(e.category) == gold_category)]
                pred = [(f.start, f.end) for f in r.flags if f.side == side
                        and (category is None or f.category == category)]
                yield gold, pred

    out = char_prf(pairs(category))
    if category is not None:
        out["precision_any"] = char_prf(pairs(None))["precision"]
    return out


def figures(mqm: Sequence[MQMSegment], risks: Sequence[float],
            results: Sequence[SegmentResult] | None = None) -> dict[str, Any]:
    """Every agreement figure between human MQM scores and tqcheck (metric = -risk)."""
    bad_below = mqm_settings().bad_below
    threshold = detection_settings().risk_threshold
    human = [m.score for m in mqm]
    metric = [-r for r in risks]
    bad = [h < bad_below for h in human]
    pred_bad = [r >= threshold for r in risks]
    tp = sum(b and p for b, p in zip(bad, pred_bad, strict=True))
    prec = tp / sum(pred_bad) if any(pred_bad) else 0.0
    rec = tp / sum(bad) if any(bad) else 0.0
    acc_t, eps = pairwise_accuracy_tie_calibrated(human, metric,
                                                  groups=[(m.doc, m.seg_id) for m in mqm])
    out: dict[str, Any] = {
        "n_segments": len(mqm),
        "mean_mqm": float(np.mean(human)) if human else float("nan"),
        "segment": {"pearson": pearson(human, metric), "spearman": spearman(human, metric),
                    "kendall_tau_b": kendall_tau_b(human, metric),
                    "acc_t": acc_t, "acc_t_epsilon": eps},
        "system": {"pairwise_accuracy": system_pairwise_accuracy(
            [m.system for m in mqm], human, metric),
            "n_systems": len({m.system for m in mqm})},
        "binary": {"threshold_mqm": bad_below, "risk_threshold": threshold,
                   "bad_share": sum(bad) / max(1, len(bad)),
                   "precision": prec, "recall": rec,
                   "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
                   "auroc": auroc(risks, bad)},
    }
    if results is not None:
        out["span"] = {"overall": span_prf(mqm, results),
                       **{c: span_prf(mqm, results, c) for c in SPAN_CATEGORIES}}
        out["unmapped_categories"] = unmapped_categories(mqm)
    return out


def unmapped_categories(mqm: Sequence[MQMSegment]) -> dict[str, int]:
    """Annotated errors whose MQM category has no tqcheck counterpart, by category: they
    count in the overall span figures only."""
    counts: dict[str, int] = {}
    for m in mqm:
        for e in m.errors:
            if e.severity.lower() in ("major", "minor") and tqcheck_category(e.category) is None:
                counts[e.category] = counts.get(e.category, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def false_alarms(results: Sequence[SegmentResult]) -> dict[str, Any]:
    """Flags on text taken to be free of errors (human-written): per 100 segments, and
    by category and by check (signal)."""
    flags = [f for r in results for f in r.flags]
    n = len(results)

    def per_100(count: int) -> float:
        return 100 * count / n if n else float("nan")

    by: dict[str, dict[str, int]] = {"category": {}, "signal": {}}
    for f in flags:
        by["category"][f.category] = by["category"].get(f.category, 0) + 1
        by["signal"][f.signal] = by["signal"].get(f.signal, 0) + 1
    return {"segments": n, "flags": len(flags), "flags_per_100": per_100(len(flags)),
            "flagged_segments": sum(bool(r.flags) for r in results),
            "by_category": {k: per_100(v) for k, v in sorted(by["category"].items())},
            "by_signal": {k: per_100(v) for k, v in sorted(by["signal"].items())}}


def finite(obj: Any) -> Any:
    """JSON-safe copy: NaN becomes null."""
    if isinstance(obj, float):
        return None if math.isnan(obj) else round(obj, 4)
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [finite(v) for v in obj]
    return obj
