"""Fitting the learned span decision (tqcheck/check/spanmodel.py) on expert span annotations
in the WMT QE Task 2 format: `tqcheck calibrate --spans FILE`, and the shipped `spans`
profile (benchmarks/fit_spans.py).

Each file is checked model-free, with its sources and without (one decision serves both
kinds of run), the candidate checks switched on; every word becomes a row of features with
its gold label (in an error or not; Major or not). Two logistic models are fitted on the
`fit` files; the thresholds are chosen on the `choose` files (annotations the models did
not see) as those that put the worst file furthest above flagging every character: the must
is to beat that baseline on every pair, not on average.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tqcheck.check.options import CheckOptions
from tqcheck.check.profile import Profile
from tqcheck.check.risk import segment_risk
from tqcheck.check.spanmodel import (
    COVERAGE,
    FEATURES,
    SpanModel,
    token_features,
)
from tqcheck.errors import InputError
from tqcheck.evaluation.calibrate import fit_logistic
from tqcheck.evaluation.mqm import guess_lang_pair
from tqcheck.evaluation.qespans import (
    SpanScore,
    SpanSegment,
    gold_labels,
    predicted_labels,
    read_spans,
)
from tqcheck.text.align import Word
from tqcheck.types import Problem, Segment

COARSE = tuple(round(0.04 + 0.04 * k, 2) for k in range(15))  # 0.04 ... 0.60
FINE = (-0.03, -0.02, -0.01, 0.01, 0.02, 0.03)
MAJOR_THRESHOLDS = (0.3, 0.5, 0.7)
L2 = 1.0
# Folds > 1 also choose on the fitted files out of fold; 3 pushed the threshold to where
# nothing beats flagging everything on some file anyway (docs/evaluation.md): off.
FOLDS = 0


@dataclass
class SpanTable:
    """One annotated file, checked: per segment its words, their feature rows and labels."""

    name: str
    segments: list[SpanSegment]
    words: list[list[Word]]
    rows: list[list[dict[str, float]]]
    labels: list[list[str]]  # per word: "", "minor" or "major"
    shown: list[list[str]]  # per character: the shown checks' severity ("" where none)


def candidates(base: Profile) -> tuple[str, ...]:
    """The checks whose flags inform the decision unshown: `base`'s decision's, or those a
    new decision takes."""
    return base.span_model.candidates if base.span_model else (COVERAGE,)


def candidate_profile(base: Profile) -> Profile:
    """`base` with its candidate checks switched on and no learned decision: what the
    decision's features are computed from."""
    return replace(base, span_model=None, rules=replace(
        base.rules, signals_off=[s for s in base.rules.signals_off
                                 if s not in candidates(base)]))


def span_table(path: str | Path, pair: tuple[str, str] | None, base: Profile,
               limit: int | None = None, progress: Callable[[int], None] | None = None,
               problems: list[Problem] | None = None, with_source: bool = True,
               options: CheckOptions | None = None) -> SpanTable:
    """Check a Task 2 file (`limit`: N segments spread over it) and tabulate its words;
    `with_source=False` checks the targets alone, as a run without sources does. `options`:
    how to check (its languages are the file's; default: model-free), so that a decision
    fitted where the models run weighs their flags too."""
    from tqcheck.pipeline.checker import Checker

    path = Path(path)
    src, tgt = pair or guess_lang_pair(path.name)
    segments = read_spans(path, problems)
    if limit:
        segments = segments[::max(1, len(segments) // limit)][:limit]
    if not segments:
        raise InputError(f"{path}: no segments")
    profile = candidate_profile(base)
    cands = candidates(base)
    template = options or CheckOptions(model_free=True)
    checker = Checker(replace(template, lang=tgt, src_lang=src if with_source else None,
                              profile=base.name), profile=profile)
    table = SpanTable(path.name if with_source else f"{path.name} (target only)", segments,
                      [], [], [], [])
    for lo in range(0, len(segments), 256):
        part = segments[lo:lo + 256]
        result = checker.check([Segment(lo + k, s.target, 0, len(s.target), lo + k + 1,
                                        source=s.source if with_source else None)
                                for k, s in enumerate(part)])
        for seg, r in zip(part, result.segments, strict=True):
            r.risk = segment_risk(r, profile.risk, cands)
            ws, rows = token_features(r, tgt, cands)
            gold = gold_labels(seg)
            table.words.append(ws)
            table.rows.append(rows)
            table.labels.append([_graver(gold[w.start:w.end]) for w in ws])
            table.shown.append(predicted_labels(
                seg.target, [f for f in r.flags if f.signal not in cands]))
        if progress is not None:
            progress(len(part))
    return table


def span_tables(paths: Sequence[str | Path], pair: tuple[str, str] | None, base: Profile,
                limit: int | None = None, progress: Callable[[int], None] | None = None,
                options: CheckOptions | None = None) -> list[SpanTable]:
    """Each file checked with its sources, then each without: one decision serves both
    kinds of run."""
    return [span_table(p, pair, base, limit, progress, with_source=s, options=options)
            for s in (True, False) for p in paths]


def _graver(labels: Sequence[str]) -> str:
    return "major" if "major" in labels else "minor" if "minor" in labels else ""


Weights = tuple[float, np.ndarray, float, np.ndarray]
Held = tuple[str, SpanTable, list[list[tuple[float, float]]]]  # name, table, probabilities


def fit_span_model(fit: Sequence[SpanTable], choose: Sequence[SpanTable],
                   note: str = "", without: Sequence[str] = (), folds: int = FOLDS
                   ) -> SpanModel:
    """Fit both models on `fit`; choose the thresholds on `choose` and on `fit` predicted
    out of fold (each part of it by models fitted on the rest: `folds` parts), so that every
    pair and domain the annotations hold has its say. `without`: features (or prefixes:
    "flag:") left out, to measure what they add."""
    names = sorted(f for f in set(FEATURES) | {f for t in fit for rs in t.rows for r in rs
                                               for f in r if f.startswith("flag:")}
                   if not any(f.startswith(w) for w in without))
    matrices = {id(t): [_matrix(rows, names) for rows in t.rows] for t in [*fit, *choose]}
    labels = [lab for t in fit for ls in t.labels for lab in ls]
    if not labels or not any(labels):
        raise InputError("no words in an error to learn from: are the files annotated?")
    final = _fit(fit, matrices, names, lambda k: True)
    model = SpanModel(final[0], _named(names, final[1]), final[2], _named(names, final[3]),
                      fitted_on=note)
    held: list[Held] = [(t.name, t, [_probs(x, final) for x in matrices[id(t)]])
                        for t in choose]
    if folds > 1:
        parts = [_fit(fit, matrices, names, lambda k, f=f: k % folds != f)
                 for f in range(folds)]
        held += [(f"{t.name} (out of fold)", t,
                  [_probs(x, parts[k % folds]) for k, x in enumerate(matrices[id(t)])])
                 for t in fit]
    best = _choose(model, held)
    return replace(model, threshold=best[1], major_threshold=best[2], heldout={
        "chosen_on": [name for name, _, _ in held], "figures": best[3],
        "rule": "the worst file's F1 furthest above flagging every character"})


def _matrix(rows: Sequence[dict[str, float]], names: Sequence[str]) -> np.ndarray:
    return np.array([[r.get(f, 0.0) for f in names] for r in rows]).reshape(len(rows),
                                                                              len(names))


def _fit(tables: Sequence[SpanTable], matrices: dict[int, list[np.ndarray]],
         names: Sequence[str], keep: Callable[[int], bool]) -> Weights:
    """Both models on the segments `keep` takes (by index within their file)."""
    xs, ys = [], []
    for t in tables:
        for k, (x, labels) in enumerate(zip(matrices[id(t)], t.labels, strict=True)):
            if keep(k) and len(x):
                xs.append(x)
                ys += labels
    x = np.vstack(xs) if xs else np.zeros((0, len(names)))
    y = np.array([bool(lab) for lab in ys], dtype=float)
    y_major = np.array([lab == "major" for lab in ys], dtype=float)
    bias, w = fit_logistic(x, y, L2)
    inside = y == 1
    major_bias, major_w = fit_logistic(x[inside], y_major[inside], L2)
    return bias, w, major_bias, major_w


def _probs(x: np.ndarray, weights: Weights) -> list[tuple[float, float]]:
    if not len(x):
        return []
    bias, w, major_bias, major_w = weights
    p = 1 / (1 + np.exp(-np.clip(bias + x @ w, -30, 30)))
    q = 1 / (1 + np.exp(-np.clip(major_bias + x @ major_w, -30, 30)))
    return list(zip(p.tolist(), q.tolist(), strict=True))


def _choose(model: SpanModel, held: Sequence[Held]
            ) -> tuple[float, float, float, dict[str, object]]:
    """The thresholds that put the worst held-out file's F1 furthest above flagging every
    character: a coarse grid, then a fine one around its best; of tied ones, the middle
    (the edge of a plateau is the first to fall on other text)."""
    def trial(threshold: float, major: float) -> tuple[float, float, float, dict[str, object]]:
        m = replace(model, threshold=threshold, major_threshold=major)
        figures = {name: span_figures(m, t, p) for name, t, p in held}
        margin = min((f["f1"] - f["baseline_f1"] for f in figures.values()), default=0.0)
        return margin, threshold, major, figures

    coarse = [trial(t, m) for t in COARSE for m in MAJOR_THRESHOLDS]
    top = max(coarse, key=lambda c: c[0])
    fine = [trial(round(top[1] + d, 2), m) for d in FINE for m in MAJOR_THRESHOLDS
            if 0.01 <= top[1] + d <= 0.95 and d != 0]
    trials = coarse + fine
    best = max(t[0] for t in trials)
    tied = sorted((t for t in trials if t[0] >= best - 1e-6), key=lambda t: (t[1], t[2]))
    return tied[len(tied) // 2]


def _named(names: Sequence[str], weights: np.ndarray) -> dict[str, float]:
    """Weights by feature, rounded, zeros left out (a profile stays readable)."""
    return {n: round(float(v), 4) for n, v in zip(names, weights, strict=True)
            if abs(v) >= 1e-4}


def span_figures(model: SpanModel, table: SpanTable,
                 probabilities: Sequence[Sequence[tuple[float, float]]] | None = None
                 ) -> dict[str, float]:
    """Task 2 span P/R/F1 of the learned spans plus the shown checks' flags, beside
    flagging every character (the better of minor and major). `probabilities`: the model's
    per segment, when already computed."""
    ours, every_minor, every_major = SpanScore(), SpanScore(), SpanScore()
    if probabilities is None:
        probabilities = [model.probabilities(rows) for rows in table.rows]
    for seg, ws, rows, probs, shown in zip(table.segments, table.words, table.rows,
                                           probabilities, table.shown, strict=True):
        gold = gold_labels(seg)
        pred = list(shown)
        for a, b, _, major in model.spans(seg.target, ws, rows, probs):
            for i in range(a, b):
                pred[i] = "major" if major else (pred[i] or "minor")
        ours.add(gold, pred)
        every_minor.add(gold, ["minor"] * len(gold))
        every_major.add(gold, ["major"] * len(gold))
    fig = ours.figures()
    fig["baseline_f1"] = max(every_minor.figures()["f1"], every_major.figures()["f1"])
    return fig


def span_profile(model: SpanModel, name: str, base: Profile, description: str) -> Profile:
    """`base` with the learned decision (its candidate checks are on by it)."""
    return replace(base, name=name, description=description, span_model=model, path="")
