"""Combining signals and flags into one segment risk in [0, 1], with a profile's weights.

risk = sigmoid(bias + sum(weight * feature)), each feature scaled to [0, 1] so that weights
are comparable. The features are a versioned set (FEATURE_SET): a profile records the set
it was fitted on, and one fitted on another set is refused when it is loaded.

Evidence is kept apart by how much it depends on the models. Meaning-critical flags
(numbers, names, negation: the text against its source) are their own feature, so that a
profile can trust them over model flags; so are omissions, which the checker reports only
for source words that the source's own round trip keeps. The back-translation counts only
for what it loses beyond the source's own round trip: where the models mangle the source
as badly as the text, the loss is theirs. The surprisal is that of the text given its
source when there is one, and the source given the text (what the text leaves out) is a
feature of its own (risk-1 took the whole loss and averaged every surprisal). Wording the
round trips rephrase into phrasing the reverse models prefer (model:paraphrase) is the
models' own certificate that a span is awkward: risk-3 gives it a feature beside the flag
counts (risk-2 had the flag counts alone, and such a calque weighed as any Minor flag). A
profile of risk-2 loads with that feature weighted 0, which is its risk exactly.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tqcheck.config import typed_table
from tqcheck.errors import ConfigError
from tqcheck.groups import MEANING, REPHRASED, in_group
from tqcheck.signals import Signals
from tqcheck.types import SEVERITY_RANK, Flag, RiskBands, SegmentResult

FEATURE_SET = "tqcheck-risk-3"
FEATURES = ("roundtrip_chrf_loss", "backtranslation_excess_loss", "mean_surprisal",
            "unexplained_source", "major_flags", "minor_flags", "omission_flags",
            "meaning_flags", "paraphrase_flags", "similarity_loss", "length")
# Earlier sets this one extends: the features added since, with the weight that gives a
# profile of that set its own risk.
EXTENDS = {"tqcheck-risk-2": {"paraphrase_flags": 0.0}}
# Scales that map each feature to [0, 1]; part of the feature set's definition.
SURPRISAL_CAP_NATS = 10.0  # mean gap to the model's choice at which the feature saturates
MAJOR_FLAGS_CAP = 2
MINOR_FLAGS_CAP = 4
LENGTH_CAP_WORDS = 60


BAND_QUANTILES = (0.70, 0.90)  # medium and high start at these quantiles of real MT's risk


@dataclass(frozen=True)
class RiskModel:
    """A profile's `[risk]` table: the feature set, bias and one weight per feature, and the
    bands (None in a profile measured on nothing)."""

    feature_set: str
    bias: float
    weights: Mapping[str, float]
    bands: RiskBands | None = None

    def band(self, risk: float) -> str | None:
        """low, medium or high; None when the profile has no bands."""
        return self.bands.of(risk) if self.bands is not None else None

    @classmethod
    def from_table(cls, table: Any, where: str) -> RiskModel:
        if not isinstance(table, dict) or not isinstance(table.get("weights"), dict):
            raise ConfigError(f"{where}: needs a [risk] table with bias, feature_set and "
                              "[risk.weights]")
        found = table.get("feature_set")
        if found != FEATURE_SET and found not in EXTENDS:
            raise ConfigError(
                f"{where}: fitted on feature set {found!r}, but this tqcheck computes "
                f"{FEATURE_SET!r} ({', '.join(FEATURES)}); refit it with `tqcheck calibrate`")
        weights = table["weights"]
        if found in EXTENDS and isinstance(weights, dict):
            weights = {**EXTENDS[found], **weights}
        if set(weights) != set(FEATURES):
            extra, lacking = sorted(set(weights) - set(FEATURES)), sorted(set(FEATURES) - set(
                weights))
            raise ConfigError(f"{where}: [risk.weights] must weight exactly the features of "
                              f"{FEATURE_SET} (unknown: {extra or 'none'}; missing: "
                              f"{lacking or 'none'})")
        extra = sorted(set(table) - {"feature_set", "bias", "weights", "bands"})
        if extra:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(extra)}")
        bands = None
        if "bands" in table:
            bands = typed_table(RiskBands, table["bands"], f"{where}.bands")
            if not 0.0 <= bands.medium <= bands.high <= 1.0:
                raise ConfigError(f"{where}.bands: need 0 <= medium <= high <= 1, found "
                                  f"{bands.medium} and {bands.high}")
        try:
            return cls(FEATURE_SET, float(table["bias"]),
                       {f: float(weights[f]) for f in FEATURES}, bands)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: [risk] bias and weights must be numbers ({exc})") from None

    def to_table(self) -> dict[str, Any]:
        out: dict[str, Any] = {"feature_set": self.feature_set, "bias": self.bias,
                               "weights": dict(self.weights)}
        if self.bands is not None:
            out["bands"] = {"medium": self.bands.medium, "high": self.bands.high}
        return out


def is_meaning_critical(flag: Flag) -> bool:
    """A number, name or negation that the text and its source disagree on (the signals of
    the group `meaning` of configs/checks.toml)."""
    return in_group(flag.signal, MEANING)


def features(signals: Signals, flags: Sequence[Flag], n_words: int) -> dict[str, float]:
    """The risk features of one segment, each in [0, 1], in FEATURES order."""
    rt = [a.chrf for a in signals.roundtrip.values()]
    bt, own = signals.backtranslation, signals.source_roundtrip
    sim = signals.similarity
    gaps = [s.gap_mean for s in signals.pivot_surprisal.values()]
    if signals.source_surprisal is not None:  # the text given its source says most
        gaps = [signals.source_surprisal.gap_mean]
    critical = sum(f.severity == "Major" and is_meaning_critical(f) for f in flags)
    rephrased = any(in_group(f.signal, REPHRASED) for f in flags)
    omitted = any(f.category == "Accuracy/Omission" and f.side == "source"
                  and not is_meaning_critical(f) for f in flags)
    other = [f for f in flags if not is_meaning_critical(f)
             and not (f.category == "Accuracy/Omission" and f.side == "source")]
    major = sum(f.severity == "Major" for f in other)
    minor = len(other) - major
    carried = own.chrf if own is not None else 100.0  # what the models can keep at best
    return {
        "roundtrip_chrf_loss": 1.0 - max(rt) / 100.0 if rt else 0.0,
        "backtranslation_excess_loss": max(0.0, carried - bt.chrf) / 100.0
        if bt is not None else 0.0,
        "mean_surprisal": min(1.0, (sum(gaps) / len(gaps)) / SURPRISAL_CAP_NATS)
        if gaps else 0.0,
        "unexplained_source": min(1.0, signals.reverse_surprisal.gap_mean / SURPRISAL_CAP_NATS)
        if signals.reverse_surprisal is not None else 0.0,
        "major_flags": min(major, MAJOR_FLAGS_CAP) / MAJOR_FLAGS_CAP,
        "minor_flags": min(minor, MINOR_FLAGS_CAP) / MINOR_FLAGS_CAP,
        "omission_flags": float(omitted),
        "meaning_flags": float(min(critical, 1)),
        "paraphrase_flags": float(rephrased),
        "similarity_loss": max(0.0, 1.0 - sim) if sim is not None else 0.0,
        "length": min(1.0, n_words / LENGTH_CAP_WORDS),
    }


def risk(signals: Signals, flags: Sequence[Flag], model: RiskModel, n_words: int) -> float:
    z = model.bias + sum(model.weights[name] * value
                         for name, value in features(signals, flags, n_words).items())
    return 1.0 / (1.0 + math.exp(-z))


def segment_risk(result: SegmentResult, model: RiskModel, leave_out: Collection[str] = ()
                 ) -> float:
    """The risk of a checked segment from its signals and its flags, less the flags of the
    checks in `leave_out` (a learned span decision's candidates: they are not shown)."""
    flags = [f for f in result.flags if f.signal not in leave_out]
    return risk(result.signals, flags, model, len(result.segment.text.split()))


def at_or_above(flags: Sequence[Flag], severity: str) -> bool:
    """True when some flag is at least as severe as `severity` (for exit codes)."""
    rank = SEVERITY_RANK[severity]
    return any(SEVERITY_RANK[f.severity] >= rank for f in flags)
