"""Combining signals and flags into one segment risk in [0, 1], with a profile's weights.

risk = sigmoid(bias + sum(weight * feature)), each feature scaled to [0, 1] so that weights
are comparable. The features are a versioned set (FEATURE_SET): a profile records the set
it was fitted on, and one fitted on another set is refused when it is loaded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tqcheck.check.signals import Signals
from tqcheck.errors import ConfigError
from tqcheck.types import SEVERITY_RANK, Flag

FEATURE_SET = "tqcheck-risk-1"
FEATURES = ("roundtrip_chrf_loss", "backtranslation_chrf_loss", "mean_surprisal",
            "major_flags", "minor_flags", "similarity_loss", "length")
# Scales that map each feature to [0, 1]; part of the feature set's definition.
SURPRISAL_CAP_NATS = 10.0  # mean gap to the model's choice at which the feature saturates
MAJOR_FLAGS_CAP = 2
MINOR_FLAGS_CAP = 4
LENGTH_CAP_WORDS = 60


@dataclass(frozen=True)
class RiskModel:
    """A profile's `[risk]` table: the feature set, bias and one weight per feature."""

    feature_set: str
    bias: float
    weights: Mapping[str, float]

    @classmethod
    def from_table(cls, table: Any, where: str) -> RiskModel:
        if not isinstance(table, dict) or not isinstance(table.get("weights"), dict):
            raise ConfigError(f"{where}: needs a [risk] table with bias, feature_set and "
                              "[risk.weights]")
        found = table.get("feature_set")
        if found != FEATURE_SET:
            raise ConfigError(
                f"{where}: fitted on feature set {found!r}, but this tqcheck computes "
                f"{FEATURE_SET!r} ({', '.join(FEATURES)}); refit it with `tqcheck calibrate`")
        weights = table["weights"]
        if set(weights) != set(FEATURES):
            extra, lacking = sorted(set(weights) - set(FEATURES)), sorted(set(FEATURES) - set(
                weights))
            raise ConfigError(f"{where}: [risk.weights] must weight exactly the features of "
                              f"{FEATURE_SET} (unknown: {extra or 'none'}; missing: "
                              f"{lacking or 'none'})")
        try:
            return cls(FEATURE_SET, float(table["bias"]),
                       {f: float(weights[f]) for f in FEATURES})
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: [risk] bias and weights must be numbers ({exc})") from None

    def to_table(self) -> dict[str, Any]:
        return {"feature_set": self.feature_set, "bias": self.bias,
                "weights": dict(self.weights)}


def features(signals: Signals, flags: Sequence[Flag], n_words: int) -> dict[str, float]:
    """The risk features of one segment, each in [0, 1], in FEATURES order."""
    rt = [a.chrf for a in signals.roundtrip.values()]
    bt = signals.backtranslation
    sim = signals.similarity
    gaps = [s.gap_mean for s in signals.pivot_surprisal.values()]
    if signals.source_surprisal is not None:
        gaps.append(signals.source_surprisal.gap_mean)
    major = sum(f.severity == "Major" for f in flags)
    minor = len(flags) - major
    return {
        "roundtrip_chrf_loss": 1.0 - max(rt) / 100.0 if rt else 0.0,
        "backtranslation_chrf_loss": 1.0 - bt.chrf / 100.0 if bt is not None else 0.0,
        "mean_surprisal": min(1.0, (sum(gaps) / len(gaps)) / SURPRISAL_CAP_NATS)
        if gaps else 0.0,
        "major_flags": min(major, MAJOR_FLAGS_CAP) / MAJOR_FLAGS_CAP,
        "minor_flags": min(minor, MINOR_FLAGS_CAP) / MINOR_FLAGS_CAP,
        "similarity_loss": max(0.0, 1.0 - sim) if sim is not None else 0.0,
        "length": min(1.0, n_words / LENGTH_CAP_WORDS),
    }


def risk(signals: Signals, flags: Sequence[Flag], model: RiskModel, n_words: int) -> float:
    z = model.bias + sum(model.weights[name] * value
                         for name, value in features(signals, flags, n_words).items())
    return 1.0 / (1.0 + math.exp(-z))


def at_or_above(flags: Sequence[Flag], severity: str) -> bool:
    """True when some flag is at least as severe as `severity` (for exit codes)."""
    rank = SEVERITY_RANK[severity]
    return any(SEVERITY_RANK[f.severity] >= rank for f in flags)
