"""Calibrating a profile on MQM judgments: span thresholds by character span F1 (when the
models run) and risk weights by logistic regression, both cross-validated by document, and
the fitted profile written for `--profile NAME`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from tqcheck.check.profile import Profile, SpanThresholds, load_profile
from tqcheck.check.risk import (
    BAND_QUANTILES,
    FEATURE_SET,
    FEATURES,
    RiskModel,
    features,
)
from tqcheck.config import config_file, config_path, user_config_dir
from tqcheck.errors import ConfigError, InputError
from tqcheck.evaluation.figures import EvalOptions, figures, run_checker, span_prf
from tqcheck.evaluation.mqm import MQMSegment, mqm_settings
from tqcheck.pipeline.checker import Checker
from tqcheck.signature import Signature
from tqcheck.translate.base import BackendFactory
from tqcheck.types import RiskBands, SegmentResult
from tqcheck.version import __version__


def feature_matrix(results: Sequence[SegmentResult]) -> np.ndarray:
    rows = [features(r.signals, r.flags, len(r.segment.text.split())) for r in results]
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
    if k < 2:
        raise InputError(f"{k} folds: cross-validation needs at least 2")
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
    bands: RiskBands | None = None  # the fitted risk's quantiles on the segments


def span_grid() -> list[dict[str, float]]:
    """Every combination of the candidate thresholds in configs/evaluation.toml."""
    grid = config_file("evaluation.toml").get("span_grid", {})
    known = {f.name for f in fields(SpanThresholds)}
    if not isinstance(grid, dict) or set(grid) - known:
        raise ConfigError(f"{config_path('evaluation.toml')}: [span_grid] keys must be "
                          f"[spans] settings ({', '.join(sorted(known))})")
    for key, values in grid.items():
        if not isinstance(values, list) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            raise ConfigError(f"{config_path('evaluation.toml')}: [span_grid] {key} must be a "
                              "list of numbers")
    keys = sorted(grid)
    return [dict(zip(keys, values, strict=True)) for values in product(*(grid[k] for k in keys))]


def fit_span_thresholds(mqm: Sequence[MQMSegment], options: EvalOptions,
                        factory: BackendFactory, k: int = 5,
                        progress: Callable[[int], None] | None = None
                        ) -> tuple[dict[str, float], dict[str, float]]:
    """Choose span thresholds by character span F1, cross-validated by document.

    The checker re-runs for each candidate over `factory`'s memoised translations and
    scores, so the models run once. Returns (thresholds fitted on all documents,
    out-of-fold span F1 of the base profile and of the fitted thresholds)."""
    base = load_profile(options.check.profile)
    check_opts = replace(options.check_options(), similarity=False)  # spans do not use it
    candidates: list[dict[str, float]] = [{}, *span_grid()]
    runs = [run_checker(mqm, options, progress,
                        Checker(check_opts, factory,
                                profile=replace(base, spans=replace(base.spans, **cand))))[0]
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
    """Fit risk = sigmoid(bias + w·features) to P(MQM is bad); report out-of-fold figures
    (each document scored by weights fitted without it) before and after."""
    x = feature_matrix(results)
    y = np.array([m.score < mqm_settings().bad_below for m in mqm], dtype=float)
    oof = np.zeros(len(mqm))
    for test in doc_folds(mqm, k):
        train = np.setdiff1d(np.arange(len(mqm)), test)
        b, w = fit_logistic(x[train], y[train])
        oof[test] = predict(x[test], b, w)
    bias, weights = fit_logistic(x, y)
    fitted = predict(x, bias, weights)
    return Calibration(
        bias=bias, weights=dict(zip(FEATURES, map(float, weights), strict=True)),
        heldout_before=figures(mqm, [r.risk for r in results]),
        heldout_after=figures(mqm, list(oof)),
        bands=RiskBands(*(round(float(np.quantile(fitted, q)), 4) for q in BAND_QUANTILES)),
    )


def calibrate_run(mqm: Sequence[MQMSegment], options: EvalOptions, k: int = 5,
                  progress: Callable[[int], None] | None = None
                  ) -> tuple[Calibration, Signature]:
    """Fit span thresholds (when models run) and then the risk weights; the figures compare
    the base profile with the calibrated one on held-out documents."""
    factory = None
    spans: dict[str, float] = {}
    span_f1: dict[str, float] = {}
    if not options.check.model_free:
        from tqcheck.translate.factory import ModelFactory
        from tqcheck.translate.registry import load_registry

        factory = ModelFactory(options.models_dir, load_registry().decoding,
                               options.check_options().backend, memo=True)
        spans, span_f1 = fit_span_thresholds(mqm, options, factory, k, progress)
    base = load_profile(options.check.profile)
    base_results, signature = run_checker(mqm, options, progress,
                                          Checker(options.check_options(), factory))
    results = base_results
    fitted = replace(base, spans=replace(base.spans, **spans))
    if fitted.spans != base.spans:
        results, signature = run_checker(mqm, options, progress,
                                         Checker(options.check_options(), factory,
                                                 profile=fitted))
    cal = calibrate(mqm, results, k)
    cal.heldout_before = figures(mqm, [r.risk for r in base_results])
    cal.spans, cal.span_heldout = spans, span_f1
    return cal, signature


def check_profile_name(name: str) -> None:
    """A name calibration may write: a plain file name, and never the shipped default."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name == "default":
        raise InputError(f"profile name {name!r}: use letters, digits, _ . - (not 'default')")


def calibrated_profile(cal: Calibration, name: str, base: str = "default",
                       note: str = "") -> Profile:
    """The base profile with the fitted span thresholds and risk weights."""
    check_profile_name(name)
    start = load_profile(base)
    return replace(start, name=name,
                   description=f"Calibrated by tqcheck {__version__} calibrate. {note}".strip(),
                   spans=replace(start.spans, **cal.spans),
                   risk=RiskModel(FEATURE_SET, cal.bias, dict(cal.weights), cal.bands),
                   path="")


def write_profile(profile: Profile) -> Path:
    """Write `profile` as profiles/NAME.toml in the user's configuration directory (never
    into the installed package), with a TOML writer (any name or note is
    escaped as TOML requires)."""
    import tomli_w

    path = user_config_dir() / "profiles" / f"{profile.name}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(profile.to_toml()), "utf-8")
    load_profile.cache_clear()
    return path
