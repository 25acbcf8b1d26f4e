"""Forced-decoding likelihood: how surprised a model is by the text it is made to emit."""

from __future__ import annotations

from tqcheck.signals import Surprisal
from tqcheck.types import TokenScores


def token_gaps(scores: TokenScores) -> list[float]:
    """Per token: log p(model's choice) - log p(actual token), >= 0; 0 where they agree."""
    return [max(0.0, b - a) for a, b in zip(scores.logprobs, scores.best_logprobs, strict=True)]


def surprisal(scores: TokenScores) -> Surprisal:
    """Mean log-probability and mean/max gap to the model's choice over the tokens."""
    gaps = token_gaps(scores)
    return Surprisal(logprob=scores.mean_logprob, gap_mean=sum(gaps) / (len(gaps) or 1),
                     gap_max=max(gaps, default=0.0))
