"""Combining signals into one segment risk in [0, 1], with weights from a profile."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from tqcheck.config import Profile
from tqcheck.types import SEVERITY_RANK, Flag


def features(metrics: Mapping[str, float], flags: Sequence[Flag],
             n_words: int = 0) -> dict[str, float]:
    """The risk features, each scaled to [0, 1] so that weights are comparable."""
    rt = [v for k, v in metrics.items() if k.startswith("chrf:roundtrip:")]
    bt = metrics.get("chrf:backtranslation")
    sim = metrics.get("similarity:source")
    gaps = [v for k, v in metrics.items() if k.startswith("gap_mean:")]
    major = sum(f.severity == "Major" for f in flags)
    minor = len(flags) - major
    return {
        "roundtrip_chrf_loss": 1.0 - max(rt) / 100.0 if rt else 0.0,
        "backtranslation_chrf_loss": 1.0 - bt / 100.0 if bt is not None else 0.0,
        "mean_surprisal": min(1.0, (sum(gaps) / len(gaps)) / 10.0) if gaps else 0.0,
        "major_flags": min(major, 2) / 2.0,
        "minor_flags": min(minor, 4) / 4.0,
        "similarity_loss": max(0.0, 1.0 - sim) if sim is not None else 0.0,
        "length": min(1.0, n_words / 60.0),
    }


def risk(metrics: Mapping[str, float], flags: Sequence[Flag], profile: Profile,
         n_words: int = 0) -> float:
    z = profile.risk_bias + sum(
        profile.risk_weights.get(name, 0.0) * value
        for name, value in features(metrics, flags, n_words).items()
    )
    return 1.0 / (1.0 + math.exp(-z))


def at_or_above(flags: Sequence[Flag], severity: str) -> bool:
    """True when some flag is at least as severe as `severity` (for exit codes)."""
    rank = SEVERITY_RANK[severity]
    return any(SEVERITY_RANK[f.severity] >= rank for f in flags)
