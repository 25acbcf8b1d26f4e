"""How far tqcheck agrees with human MQM judgments.

Segment-level correlations (Pearson, Spearman, Kendall tau-b; acc-t as WMT23 defines it,
and pooled), system-level pairwise accuracy, good/bad detection (the line and the risk
threshold are in configs/evaluation.toml), and character-level span precision/recall/F1
overall and per category; each figure with its definition, a bootstrap interval by item,
and a paired permutation test between two profiles (`compare`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tqcheck.batch.runner import score_settings
from tqcheck.check.options import CheckOptions
from tqcheck.config import config_table
from tqcheck.evaluation.mqm import MQMSegment, mqm_settings, tqcheck_category
from tqcheck.evaluation.stats import (
    ItemResampler,
    TiePairs,
    acc_t_curve,
    char_prf,
    item_index,
    kendall_tau_b,
    percentile_interval,
    value_ids,
    weighted_auroc,
    weighted_pearson,
    weighted_ranks,
    weighted_system_accuracy,
)
from tqcheck.pipeline.checker import Checker
from tqcheck.signature import Signature
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
    """How MQM segments are checked: the check's options (with the pair's languages) and
    whether their sources are ignored."""

    check: CheckOptions
    target_only: bool = False

    @property
    def models_dir(self) -> str | None:
        return self.check.models_dir

    def check_options(self) -> CheckOptions:
        if not self.target_only:
            return self.check
        return dataclasses.replace(self.check, src_lang=None, similarity=False)


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


# What each agreement figure is, as the JSON output and docs/evaluation.md state it.
DEFINITIONS = {
    "segment.pearson": "Pearson r of MQM score and -risk over all system-segments (no "
                       "grouping)",
    "segment.spearman": "Spearman rho (average ranks for ties) over all system-segments",
    "segment.kendall_tau_b": "Kendall tau-b over all system-segments",
    "segment.acc_t": "WMT23 segment-level acc-t: pairwise accuracy with tie calibration "
                     "(acc23: a pair agrees if ordered the same, or tied by both; the metric "
                     "ties pairs within eps) within each item (the translations of one source "
                     "segment), averaged over items with at least one pair; one eps for all "
                     "items, chosen to maximise the average (mt-metrics-eval "
                     "KendallWithTiesOpt, variant acc23, avg_by=item)",
    "segment.acc_t_pooled": "acc-t over the within-item pairs of all items pooled (every "
                            "pair weighs the same), eps chosen likewise",
    "system.pairwise_accuracy": "share of system pairs that mean MQM and mean -risk order "
                                "the same way (a tie agrees only with a tie)",
    "binary.auroc": "AUROC of risk for bad segments (MQM below the good/bad line)",
    "ci95": "95 % percentile bootstrap interval: items (source segments, with all their "
            "system translations) drawn with replacement, every figure recomputed (acc-t's "
            "eps re-chosen)",
    "compare": "paired permutation test: in each permutation every item swaps the two "
               "profiles' scores with probability 1/2; p = (1 + permutations whose absolute "
               "difference is at least the observed one) / (1 + permutations)",
}
RESAMPLED = ("segment.pearson", "segment.spearman", "segment.kendall_tau_b", "segment.acc_t",
             "segment.acc_t_pooled", "system.pairwise_accuracy", "binary.auroc")


@dataclass
class Agreement:
    """Human MQM scores against a metric (-risk) over the same system-segments, with the
    items (source segments) resampling works on."""

    human: np.ndarray
    metric: np.ndarray
    items: np.ndarray
    systems: np.ndarray  # system number of each segment
    bad: np.ndarray

    @classmethod
    def of(cls, mqm: Sequence[MQMSegment], risks: Sequence[float]) -> Agreement:
        human = np.array([m.score for m in mqm], float)
        return cls(human=human, metric=-np.asarray(risks, float),
                   items=item_index([(m.doc, m.seg_id) for m in mqm]),
                   systems=item_index([m.system for m in mqm]),
                   bad=human < mqm_settings().bad_below)

    def with_metric(self, metric: np.ndarray) -> Agreement:
        return replace(self, metric=metric)

    def pairs(self) -> TiePairs:
        return TiePairs.build(self.human, self.metric, self.items)

    def values(self, pairs: TiePairs, counts: np.ndarray | None = None,
               order: np.ndarray | None = None) -> dict[str, float]:
        """Every resampled figure, over all segments or over a bootstrap replicate that drew
        each item `counts[i]` times (each segment weighing as often as its item was drawn,
        which is what repeating it would give)."""
        w = np.ones(len(self.human)) if counts is None else counts[self.items].astype(float)
        h, m = self.human, self.metric
        h_ids, m_ids = value_ids(h), value_ids(m)
        rh, rm = weighted_ranks(h_ids, w), weighted_ranks(m_ids, w)
        idx = np.repeat(np.arange(len(h)), w.astype(np.int64))
        out = {"segment.pearson": weighted_pearson(h, m, w),
               "segment.spearman": weighted_pearson(rh, rm, w),
               "segment.kendall_tau_b": kendall_tau_b(h[idx], m[idx]),
               "system.pairwise_accuracy": weighted_system_accuracy(self.systems, h, m, w),
               "binary.auroc": weighted_auroc(value_ids(-m), self.bad, w)}
        for name, average in (("segment.acc_t", "item"), ("segment.acc_t_pooled", "pair")):
            thresholds, curve = acc_t_curve(pairs, counts, average, order)
            k = int(np.nanargmax(curve)) if not np.isnan(curve).all() else 0
            out[name], out[f"{name}_epsilon"] = float(curve[k]), float(thresholds[k])
        return out


def bootstrap(agreement: Agreement, n: int, seed: int = 12345,
              progress: Callable[[int], None] | None = None) -> dict[str, list[float]]:
    """95 % intervals of every resampled figure from `n` replicates by item."""
    pairs = agreement.pairs()
    order = np.argsort(pairs.gap, kind="stable")
    draws: dict[str, list[float]] = {k: [] for k in RESAMPLED}
    for counts in ItemResampler(agreement.items, seed).replicates(n):
        values = agreement.values(pairs, counts, order)
        for k in RESAMPLED:
            draws[k].append(values[k])
        if progress:
            progress(1)
    return {k: percentile_interval(v) for k, v in draws.items()}


def compare(a: Agreement, b: Agreement, n: int, seed: int = 12345,
            progress: Callable[[int], None] | None = None) -> dict[str, dict[str, float]]:
    """Each figure for metrics a and b, their difference, and its paired permutation p."""
    pa, pb = a.pairs(), b.pairs()
    va, vb = a.values(pa), b.values(pb)
    observed = {k: va[k] - vb[k] for k in RESAMPLED}
    extreme = dict.fromkeys(RESAMPLED, 0)
    for swap in ItemResampler(a.items, seed).swaps(n):
        take = swap[a.items]
        ma = np.where(take, b.metric, a.metric)
        mb = np.where(take, a.metric, b.metric)
        ra = a.with_metric(ma).values(pa.swapped(pb, swap))
        rb = b.with_metric(mb).values(pb.swapped(pa, swap))
        for k in RESAMPLED:
            if abs(ra[k] - rb[k]) >= abs(observed[k]) - 1e-12:
                extreme[k] += 1
        if progress:
            progress(1)
    return {k: {"a": va[k], "b": vb[k], "difference": observed[k],
                "p_value": (1 + extreme[k]) / (1 + n)} for k in RESAMPLED}


def figures(mqm: Sequence[MQMSegment], risks: Sequence[float],
            results: Sequence[SegmentResult] | None = None, resamples: int = 0,
            progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Every agreement figure between human MQM scores and tqcheck (metric = -risk), with
    95 % bootstrap intervals when `resamples` > 0."""
    bad_below = mqm_settings().bad_below
    threshold = detection_settings().risk_threshold
    agreement = Agreement.of(mqm, risks)
    v = agreement.values(agreement.pairs())
    bad = agreement.bad.tolist()
    pred_bad = [r >= threshold for r in risks]
    tp = sum(b and p for b, p in zip(bad, pred_bad, strict=True))
    prec = tp / sum(pred_bad) if any(pred_bad) else 0.0
    rec = tp / sum(bad) if any(bad) else 0.0
    out: dict[str, Any] = {
        "n_segments": len(mqm),
        "n_items": int(agreement.items.max()) + 1 if len(mqm) else 0,
        "mean_mqm": float(np.mean(agreement.human)) if len(mqm) else float("nan"),
        "segment": {"pearson": v["segment.pearson"], "spearman": v["segment.spearman"],
                    "kendall_tau_b": v["segment.kendall_tau_b"],
                    "acc_t": v["segment.acc_t"], "acc_t_epsilon": v["segment.acc_t_epsilon"],
                    "acc_t_pooled": v["segment.acc_t_pooled"],
                    "acc_t_pooled_epsilon": v["segment.acc_t_pooled_epsilon"]},
        "system": {"pairwise_accuracy": v["system.pairwise_accuracy"],
                   "n_systems": len(set(agreement.systems.tolist()))},
        "binary": {"threshold_mqm": bad_below, "risk_threshold": threshold,
                   "bad_share": sum(bad) / max(1, len(bad)),
                   "precision": prec, "recall": rec,
                   "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
                   "auroc": v["binary.auroc"]},
        "definitions": {k: DEFINITIONS[k] for k in RESAMPLED},
    }
    if resamples > 0 and len(mqm):
        intervals = bootstrap(agreement, resamples, progress=progress)
        out["ci95"] = {
            group: {name.split(".", 1)[1]: ci for name, ci in intervals.items()
                    if name.startswith(group + ".")}
            for group in ("segment", "system", "binary")}
        out["bootstrap"] = {"resamples": resamples, "unit": "item", "seed": 12345,
                            "definition": DEFINITIONS["ci95"]}
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
