"""Meta-evaluation against human MQM judgments, and calibration of a profile on them.

`evaluate` compares tqcheck's risks and flags with MQM scores and spans: segment-level
correlations (Pearson, Spearman, Kendall tau-b, tie-calibrated pairwise accuracy grouped by
source segment, as in the WMT23 metrics task), system-level pairwise accuracy, good/bad
detection at MQM >= -5, and character-level span precision/recall/F1 overall and per
category. `calibrate` fits the risk weights by logistic regression, cross-validated by
document, and writes a profile.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from tqcheck import __version__
from tqcheck.check.checker import Checker, CheckOptions
from tqcheck.check.risk import features
from tqcheck.config import config_dir, load_profile, read_toml
from tqcheck.errors import InputError
from tqcheck.evaluation.mqm import MQMSegment
from tqcheck.evaluation.stats import (
    auroc,
    kendall_tau_b,
    pairwise_accuracy_tie_calibrated,
    pearson,
    spearman,
    system_pairwise_accuracy,
)
from tqcheck.translate.registry import load_registry
from tqcheck.types import Segment, SegmentResult

BAD_THRESHOLD = -5.0  # an MQM score below this is a "bad" segment (one Major error or worse)
SPAN_CATEGORIES = ("Style/Awkward", "Accuracy/Omission", "Accuracy/Mistranslation",
                   "Accuracy/Addition", "Accuracy/Untranslated text", "Fluency/Grammar",
                   "Fluency/Punctuation", "Fluency/Spelling")


def guess_lang_pair(path: str | Path) -> tuple[str, str]:
    """`mqm_ted_zhen.tsv` -> ("zh", "en"); also `en-de`, `en_de`."""
    name = Path(path).stem.lower()
    m = re.search(r"(?:^|[_.-])([a-z]{2})[-_]?([a-z]{2})$", name)
    if not m:
        raise InputError(f"{path}: cannot tell the language pair from the name; "
                         "pass --lang-pair SRC-TGT")
    return m.group(1), m.group(2)


@dataclass(frozen=True)
class EvalOptions:
    src_lang: str
    lang: str
    target_only: bool = False
    model_free: bool = False
    profile: str = "default"
    models_dir: str | None = None
    device: str = "auto"
    chunk: int = 256  # segments per checker call (progress granularity)

    def check_options(self) -> CheckOptions:
        return CheckOptions(lang=self.lang, src_lang=None if self.target_only else self.src_lang,
                            profile=self.profile, models_dir=self.models_dir,
                            device=self.device, model_free=self.model_free,
                            similarity=not self.target_only)


def run_checker(mqm: Sequence[MQMSegment], options: EvalOptions,
                progress: Callable[[int], None] | None = None,
                checker: Checker | None = None) -> tuple[list[SegmentResult], str]:
    """Check every MQM segment's target (with its source unless target-only)."""
    checker = checker or Checker(options.check_options())
    results: list[SegmentResult] = []
    signature = ""
    for k in range(0, len(mqm), options.chunk):
        part = mqm[k:k + options.chunk]
        segs = [Segment(id=k + i, text=m.target, start=0, end=len(m.target), line=k + i + 1,
                        source=None if options.target_only else m.source)
                for i, m in enumerate(part)]
        out = checker.check(segs, input_name="mqm")
        results += out.segments
        signature = out.signature
        if progress:
            progress(len(part))
    return results, signature


def _chars(spans: Sequence[tuple[int, int]]) -> set[int]:
    return {i for s, e in spans for i in range(s, e)}


def span_prf(mqm: Sequence[MQMSegment], results: Sequence[SegmentResult],
             category: str | None = None) -> dict[str, float]:
    """Character-level P/R/F1 of target-side flags against the union of raters' spans
    (Minor and Major errors; source-side omission spans are compared on the source side)."""
    tp = n_pred = n_gold = 0
    for m, r in zip(mqm, results, strict=True):
        for side in ("target", "source"):
            gold = _chars([(e.span.start, e.span.end) for e in m.errors
                           if e.span is not None and e.span.side == side
                           and e.severity.lower() in ("major", "minor")
                           and (category is None or e.category == category)])
            pred = _chars([(f.start, f.end) for f in r.flags if f.side == side
                           and (category is None or f.category == category)])
            tp += len(gold & pred)
            n_pred += len(pred)
            n_gold += len(gold)
    p = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": rec, "f1": 2 * p * rec / (p + rec) if p + rec else 0.0,
            "gold_chars": n_gold, "flagged_chars": n_pred}


def figures(mqm: Sequence[MQMSegment], risks: Sequence[float],
            results: Sequence[SegmentResult] | None = None) -> dict[str, Any]:
    """Every agreement figure between human MQM scores and tqcheck (metric = -risk)."""
    human = [m.score for m in mqm]
    metric = [-r for r in risks]
    bad = [h < BAD_THRESHOLD for h in human]
    pred_bad = [r >= 0.5 for r in risks]
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
        "binary": {"threshold_mqm": BAD_THRESHOLD, "bad_share": sum(bad) / max(1, len(bad)),
                   "precision": prec, "recall": rec,
                   "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
                   "auroc": auroc(risks, bad)},
    }
    if results is not None:
        out["span"] = {"overall": span_prf(mqm, results),
                       **{c: span_prf(mqm, results, c) for c in SPAN_CATEGORIES}}
    return out


# --- calibration ---------------------------------------------------------------------------

FEATURES = tuple(features({}, []))  # the risk's features, in scoring's order


def feature_matrix(results: Sequence[SegmentResult]) -> np.ndarray:
    rows = [features(r.metrics, r.flags, len(r.segment.text.split())) for r in results]
    return np.array([[row[f] for f in FEATURES] for row in rows], dtype=float)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50
                 ) -> tuple[float, np.ndarray]:
    """L2-regularised logistic regression by Newton's method; returns (bias, weights)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), w[1:]


def predict(x: np.ndarray, bias: float, weights: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(bias + x @ weights)))


def doc_folds(mqm: Sequence[MQMSegment], k: int = 5) -> list[np.ndarray]:
    """Indices of k folds with whole documents in each (no document in two folds)."""
    docs = sorted({m.doc for m in mqm})
    if len(docs) < 2:
        raise InputError("calibration needs at least two documents to cross-validate")
    k = min(k, len(docs))
    fold_of = {d: i % k for i, d in enumerate(docs)}
    return [np.array([i for i, m in enumerate(mqm) if fold_of[m.doc] == f]) for f in range(k)]


@dataclass
class Calibration:
    bias: float
    weights: dict[str, float]
    heldout_before: dict[str, Any] = field(default_factory=dict)
    heldout_after: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, float] = field(default_factory=dict)  # fitted span thresholds
    span_heldout: dict[str, float] = field(default_factory=dict)  # F1 before / after


def span_grid() -> list[dict[str, float]]:
    """Every combination of the candidate thresholds in configs/calibrate.toml."""
    from itertools import product

    grid = read_toml(config_dir() / "calibrate.toml").get("span_grid", {})
    keys = sorted(grid)
    return [dict(zip(keys, values, strict=True)) for values in product(*(grid[k] for k in keys))]


def fit_span_thresholds(mqm: Sequence[MQMSegment], options: EvalOptions, factory: Any,
                        k: int = 5, progress: Callable[[int], None] | None = None
                        ) -> tuple[dict[str, float], dict[str, float]]:
    """Choose span thresholds by character span F1, cross-validated by document.

    The checker re-runs for each candidate over `factory`'s memoised translations and
    scores, so the models run once. Returns (thresholds fitted on all documents,
    out-of-fold span F1 of the base profile and of the fitted thresholds)."""
    base = load_profile(options.profile)
    check_opts = replace(options.check_options(), similarity=False)  # spans do not use it
    candidates: list[dict[str, float]] = [{}, *span_grid()]
    runs = [run_checker(mqm, options, progress,
                        Checker(check_opts, factory,
                                profile=replace(base, spans={**base.spans, **cand})))[0]
            for cand in candidates]

    def f1(results: list[SegmentResult], idx: np.ndarray) -> float:
        return span_prf([mqm[i] for i in idx], [results[i] for i in idx])["f1"]

    before = after = 0.0
    for test in doc_folds(mqm, k):
        train = np.setdiff1d(np.arange(len(mqm)), test)
        best = max(range(1, len(candidates)), key=lambda c: f1(runs[c], train))
        before += f1(runs[0], test) * len(test)
        after += f1(runs[best], test) * len(test)
    everything = np.arange(len(mqm))
    best = max(range(1, len(candidates)), key=lambda c: f1(runs[c], everything))
    return candidates[best], {"span_f1_before": before / len(mqm),
                              "span_f1_after": after / len(mqm)}


def calibrate(mqm: Sequence[MQMSegment], results: Sequence[SegmentResult], k: int = 5
              ) -> Calibration:
    """Fit risk = sigmoid(bias + w·features) to P(MQM < -5); report out-of-fold figures
    (each document scored by weights fitted without it) before and after."""
    x = feature_matrix(results)
    y = np.array([m.score < BAD_THRESHOLD for m in mqm], dtype=float)
    oof = np.zeros(len(mqm))
    for test in doc_folds(mqm, k):
        train = np.setdiff1d(np.arange(len(mqm)), test)
        b, w = fit_logistic(x[train], y[train])
        oof[test] = predict(x[test], b, w)
    bias, weights = fit_logistic(x, y)
    return Calibration(
        bias=bias, weights=dict(zip(FEATURES, map(float, weights), strict=True)),
        heldout_before=figures(mqm, [r.risk for r in results]),
        heldout_after=figures(mqm, list(oof)),
    )


def calibrate_run(mqm: Sequence[MQMSegment], options: EvalOptions, k: int = 5,
                  progress: Callable[[int], None] | None = None) -> tuple[Calibration, str]:
    """Fit span thresholds (when models run) and then the risk weights; the figures compare
    the base profile with the calibrated one on held-out documents."""
    factory = None
    spans: dict[str, float] = {}
    span_f1: dict[str, float] = {}
    if not options.model_free:
        from tqcheck.translate.factory import BackendSettings, make_factory
        from tqcheck.translate.memo import memo_factory

        factory = memo_factory(make_factory(options.models_dir, load_registry().decoding,
                                            BackendSettings(device=options.device)))
        spans, span_f1 = fit_span_thresholds(mqm, options, factory, k, progress)
    base = load_profile(options.profile)
    base_results, signature = run_checker(mqm, options, progress,
                                          Checker(options.check_options(), factory))
    results = base_results
    if spans and spans != {key: base.spans.get(key) for key in spans}:
        fitted = replace(base, spans={**base.spans, **spans})
        results, signature = run_checker(mqm, options, progress,
                                         Checker(options.check_options(), factory,
                                                 profile=fitted))
    cal = calibrate(mqm, results, k)
    cal.heldout_before = figures(mqm, [r.risk for r in base_results])
    cal.spans, cal.span_heldout = spans, span_f1
    return cal, signature


def write_profile(cal: Calibration, name: str, base: str = "default",
                  note: str = "") -> Path:
    """Write configs/profiles/NAME.toml: the base profile with fitted risk weights."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name == "default":
        raise InputError(f"profile name {name!r}: use letters, digits, _ . - (not 'default')")
    src = Path(load_profile(base).path)
    with src.open("rb") as fh:
        data = tomllib.load(fh)
    lines = [f'name = "{name}"',
             f'description = "Calibrated by tqcheck {__version__} calibrate. {note}"', ""]
    data["spans"] = {**data.get("spans", {}), **cal.spans}
    for table in ("spans", "rules"):
        lines.append(f"[{table}]")
        for key, value in data.get(table, {}).items():
            lines.append(f"{key} = {_toml(value)}")
        lines.append("")
    lines += ["[risk]", f"bias = {cal.bias:.6f}", "[risk.weights]"]
    lines += [f"{k} = {v:.6f}" for k, v in cal.weights.items()]
    path = config_dir() / "profiles" / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    load_profile.cache_clear()
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


def finite(obj: Any) -> Any:
    """JSON-safe copy: NaN becomes null."""
    if isinstance(obj, float):
        return None if math.isnan(obj) else round(obj, 4)
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [finite(v) for v in obj]
    return obj

