"""Learning from reviewers: a run's decisions as labels, and a profile tuned by them
(`tqcheck calibrate --from-run RUN --name NAME`).

A flag is labelled by its own decision (confirm or fix: a real problem; reject: a false
alarm) or, failing that, by its segment's (confirm: real; accept: the flags are false
alarms; an edit says nothing about which flag was right, so it is no label). Per category
and per check (the flag's `signal`), the observed precision is the share confirmed. Where
there are at least `min_decisions` labels ([reviews] in configs/evaluation.toml; with 20,
the 95 % Wilson interval of a precision is at most ±0.2 wide, enough to tell a check right
four times in five from one right once in five), the profile changes:
- a check whose precision is below `switch_off_below` is switched off (`signals_off`);
- a category whose precision is at least `lower_above` has its threshold lowered by
  `threshold_step` (more flags of a kind reviewers always confirm), one below
  `raise_below` has it raised (fewer), where the category has a threshold: Style/Awkward
  (`awkward_gap`), the source-aware accuracy categories (`lossy_gap`).
The switch-offs are cross-validated by file: each file's decisions are held out in turn,
the changes derived from the other files, and the precision of the flags still shown among
the held-out decisions is compared before and after. Threshold changes need the models to
re-check the text, so their effect is reported, not measured, here.

The risk weights are refitted too where at least `min_decisions` reviewed segments carry
both verdicts: a segment is bad when a reviewer confirmed one of its flags (or the segment),
good when its flags were all rejected (or the segment accepted); the features are the
risk's own, read back from the stored signals and flags; the fit is calibration's
L2-regularised logistic regression, and the AUROC of the risk on held-out files (one fold
per file) is reported before and after.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tqcheck.check.profile import Profile
from tqcheck.check.risk import FEATURE_SET, FEATURES, RiskModel, features
from tqcheck.config import config_table
from tqcheck.errors import InputError
from tqcheck.run.records import SegmentKey
from tqcheck.run.rundb import RunDB

# The [spans] threshold that decides how many flags of a category appear.
CATEGORY_THRESHOLDS = {"Style/Awkward": "awkward_gap", "Accuracy/Mistranslation": "lossy_gap",
                       "Accuracy/Addition": "lossy_gap", "Accuracy/Omission": "lossy_gap"}


@dataclass(frozen=True)
class ReviewSettings:
    """`[reviews]` of configs/evaluation.toml."""

    min_decisions: int
    switch_off_below: float
    lower_above: float
    raise_below: float
    threshold_step: float


def review_settings() -> ReviewSettings:
    return config_table(ReviewSettings, "evaluation.toml", "reviews")


@dataclass(frozen=True)
class Label:
    run: str
    file: str
    category: str
    signal: str
    confirmed: bool


@dataclass(frozen=True)
class SegmentLabel:
    file: tuple[str, str]  # (run, file): the unit of cross-validation
    features: tuple[float, ...]  # the risk's features, in FEATURES order
    bad: bool


def reviewed(run_paths: Sequence[str]) -> tuple[list[Label], list[SegmentLabel]]:
    """Every labelled flag of the runs, and every reviewed segment as good (its flags all
    rejected, or the segment accepted) or bad (a flag or the segment confirmed, or a flag
    fixed), read in one pass over each run (read-only)."""
    flags: list[Label] = []
    segments: list[SegmentLabel] = []
    for path in run_paths:
        with RunDB(path, mode="read") as db:
            by_flag: dict[SegmentKey, dict[int, bool]] = {}
            for (key, n), d in db.current_flag_decisions().items():
                by_flag.setdefault(key, {})[n] = d.action != "reject"
            by_segment = {k: d.action == "confirm" for k, d in db.current_decisions().items()
                          if d.action in ("accept", "confirm")}
            for key in sorted(by_flag.keys() | by_segment.keys(),
                              key=lambda k: (k.file_id, k.ordinal)):
                stored = db.get(key)
                if stored is None:
                    continue
                own, whole = by_flag.get(key, {}), by_segment.get(key)
                r = stored.result
                for n, flag in enumerate(r.flags):
                    confirmed = own.get(n, whole)
                    if confirmed is not None:
                        flags.append(Label(path, stored.path, flag.category,
                                           flag.signal or "?", confirmed))
                row = features(r.signals, r.flags, len(r.segment.text.split()))
                segments.append(SegmentLabel((path, stored.path),
                                             tuple(row[f] for f in FEATURES),
                                             any(own.values()) or bool(whole)))
    return flags, segments


def refit_risk(labels: Sequence[SegmentLabel], base: RiskModel, s: ReviewSettings
               ) -> tuple[RiskModel, dict[str, Any]]:
    """Risk weights fitted to reviewed segments, with held-out AUROC by file; `base` when
    there are too few, or only one verdict."""
    from tqcheck.evaluation.calibrate import fit_logistic, predict
    from tqcheck.evaluation.stats import auroc

    bad = sum(lab.bad for lab in labels)
    info: dict[str, Any] = {"segments": len(labels), "bad": bad}
    if len(labels) < s.min_decisions or bad in (0, len(labels)):
        info["note"] = "not refitted: too few reviewed segments, or only one verdict"
        return base, info
    x = np.array([lab.features for lab in labels])
    y = np.array([float(lab.bad) for lab in labels])
    files = sorted({lab.file for lab in labels})
    base_w = np.array([base.weights[f] for f in FEATURES])
    before, after = np.zeros(len(labels)), np.zeros(len(labels))
    held = np.zeros(len(labels), dtype=bool)  # segments of the folds that could be fitted
    folds = 0
    for fold in files:
        test = np.array([lab.file == fold for lab in labels])
        train = ~test
        if len(set(y[train])) < 2:
            continue  # the other files hold one verdict only: nothing to fit
        b, w = fit_logistic(x[train], y[train])
        after[test] = predict(x[test], b, w)
        before[test] = predict(x[test], base.bias, base_w)
        held |= test
        folds += 1
    if folds and len(set(y[held])) == 2:
        info["heldout_auroc"] = {
            "before": round(auroc(before[held].tolist(), y[held].astype(bool).tolist()), 4),
            "after": round(auroc(after[held].tolist(), y[held].astype(bool).tolist()), 4),
            "folds": folds, "segments": int(held.sum())}
    bias, weights = fit_logistic(x, y)
    return RiskModel(FEATURE_SET, bias, dict(zip(FEATURES, map(float, weights),
                                                 strict=True))), info


def precision_table(labels: Sequence[Label], by: str) -> dict[str, dict[str, Any]]:
    """Per category or per signal (`by`): labels, confirmed, precision."""
    table: dict[str, dict[str, Any]] = {}
    for lab in labels:
        row = table.setdefault(getattr(lab, by), {"decisions": 0, "confirmed": 0})
        row["decisions"] += 1
        row["confirmed"] += lab.confirmed
    for row in table.values():
        row["precision"] = round(row["confirmed"] / row["decisions"], 4)
    return dict(sorted(table.items()))


@dataclass(frozen=True)
class Changes:
    signals_off: tuple[str, ...]
    thresholds: dict[str, float]
    notes: tuple[str, ...]


def changes_for(labels: Sequence[Label], profile: Profile, s: ReviewSettings) -> Changes:
    """What the labels say to change in `profile` (nothing where they are too few)."""
    off = list(profile.rules.signals_off)
    notes: list[str] = []
    for signal, row in precision_table(labels, "signal").items():
        if row["decisions"] >= s.min_decisions and row["precision"] < s.switch_off_below \
                and signal not in off:
            off.append(signal)
            notes.append(f"switched off {signal}: reviewers confirmed {row['confirmed']} of "
                         f"{row['decisions']} (precision {row['precision']:.2f})")
    thresholds: dict[str, float] = {}
    for category, row in precision_table(labels, "category").items():
        knob = CATEGORY_THRESHOLDS.get(category)
        if knob is None or row["decisions"] < s.min_decisions:
            continue
        old = thresholds.get(knob, getattr(profile.spans, knob))
        if row["precision"] >= s.lower_above:
            new, how = max(0.0, old - s.threshold_step), "lowered"
        elif row["precision"] < s.raise_below:
            new, how = old + s.threshold_step, "raised"
        else:
            continue
        thresholds[knob] = new
        notes.append(f"{how} {knob} {old:g} -> {new:g}: {category} confirmed "
                     f"{row['confirmed']} of {row['decisions']} (precision "
                     f"{row['precision']:.2f})")
    return Changes(tuple(off), thresholds, tuple(notes))


def _shown_precision(labels: Sequence[Label], off: set[str]) -> tuple[float | None, int]:
    shown = [lab for lab in labels if lab.signal not in off]
    if not shown:
        return None, 0
    return sum(lab.confirmed for lab in shown) / len(shown), len(shown)


def cross_validated(labels: Sequence[Label], profile: Profile, s: ReviewSettings
                    ) -> dict[str, Any]:
    """Precision of the flags still shown among held-out decisions, before and after the
    switch-offs derived from the other files (one fold per file)."""
    files = sorted({(lab.run, lab.file) for lab in labels})
    if len(files) < 2:
        return {"folds": len(files), "note": "one file: nothing to hold out"}
    before_hits = before_n = after_hits = after_n = 0
    for fold in files:
        train = [lab for lab in labels if (lab.run, lab.file) != fold]
        test = [lab for lab in labels if (lab.run, lab.file) == fold]
        off = set(changes_for(train, profile, s).signals_off)
        before_hits += sum(lab.confirmed for lab in test)
        before_n += len(test)
        kept = [lab for lab in test if lab.signal not in off]
        after_hits += sum(lab.confirmed for lab in kept)
        after_n += len(kept)
    return {"folds": len(files), "before": {"precision": _ratio(before_hits, before_n),
                                            "flags": before_n},
            "after": {"precision": _ratio(after_hits, after_n), "flags": after_n}}


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def calibrate_from_runs(run_paths: Sequence[str], base: Profile, name: str, note: str
                        ) -> tuple[Profile, dict[str, Any]]:
    """A profile tuned by the runs' review decisions, and the report of what changed."""
    s = review_settings()
    labels, segments = reviewed(run_paths)
    if not labels:
        raise InputError(f"no reviewed flags in {', '.join(run_paths)}: decide some with "
                         "`tqcheck review` or `tqcheck decide` first")
    ch = changes_for(labels, base, s)
    risk, risk_info = refit_risk(segments, base.risk, s)
    profile = dataclasses.replace(
        base, name=name, description=note, path="", risk=risk,
        rules=dataclasses.replace(base.rules, signals_off=ch.signals_off),
        spans=dataclasses.replace(base.spans, **ch.thresholds))
    report = {
        "runs": list(run_paths), "decisions": len(labels),
        "min_decisions": s.min_decisions,
        "reviewers_files": sorted({lab.file for lab in labels}),
        "by_category": precision_table(labels, "category"),
        "by_signal": precision_table(labels, "signal"),
        "changes": list(ch.notes), "signals_off": list(ch.signals_off),
        "thresholds": ch.thresholds,
        "heldout": cross_validated(labels, base, s),
        "risk": {**risk_info, "weights": dict(risk.weights), "bias": risk.bias},
        "changed": same_settings(profile, base) is False,
    }
    return profile, report


def same_settings(a: Profile, b: Profile) -> bool:
    """Whether two profiles score alike (their names, descriptions and places aside)."""
    return dataclasses.replace(a, name=b.name, description=b.description,
                               path=b.path).fingerprint() == b.fingerprint()
