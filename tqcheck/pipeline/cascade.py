"""The cascade (`--budget`): model time where the cheap checks see risk.

Every segment pays three model passes per pivot (four where model:paraphrase runs: the
round trips force-decoded too), and four more with a source; most segments of good MT are
clean, and the model-free checks and the sentence encoder already rank them. So the
checker screens a batch model-free first (where segments have a source, with the two
cheapest model passes too: the text force-decoded given its source and the source given
the text, scoring without search; without one, a greedy translation to the first pivot and
the text force-decoded given it) and spends the other model passes on the segments the
screening ranks riskiest (and on every one in which it finds a meaning-critical flag: a
number, name or negation the text and its source disagree on). The others keep the
screening's result, marked screened (`Signals.screened`, and a note that exports, the
report and the review app show). Pivots run in order under a budget: the later ones only
where the first leaves doubt (pipeline/checker.py, `_Batch.in_doubt`).
Which segments a budget picks is decided here; the checker runs the passes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from tqcheck.check.options import Budget
from tqcheck.check.profile import Profile, load_profile
from tqcheck.config import config_path, config_table
from tqcheck.errors import ConfigError
from tqcheck.groups import MEANING, in_group
from tqcheck.types import SegmentResult


@dataclass(frozen=True)
class CascadeSettings:
    """`[cascade]` of configs/score.toml."""

    ranking: str  # the profile whose learned span decision ranks the screened segments
    pivot_screening: bool  # a text without a source: translated to the first pivot too
    screening_beams: int  # that translation's beam size


@cache
def settings() -> CascadeSettings:
    found = config_table(CascadeSettings, "score.toml", "cascade")
    if found.screening_beams < 1:
        raise ConfigError(f"{config_path('score.toml')}: [cascade].screening_beams: a beam "
                          f"size is at least 1, found {found.screening_beams}")
    return found


@cache
def ranking_profile() -> Profile:
    name = settings().ranking
    profile = load_profile(name)
    if profile.span_model is None:
        raise ConfigError(f"{config_path('score.toml')}: [cascade].ranking: profile {name!r} "
                          "has no learned span decision ([span_model]) to rank segments with")
    return profile


def ranking(own: Profile) -> Profile:
    """The profile whose learned decision ranks a run's screening: the run's own where it
    has one, else `[cascade] ranking`."""
    return own if own.span_model is not None else ranking_profile()


def screening_risks(results: Sequence[SegmentResult], lang: str, own: Profile,
                    budget: Budget) -> list[float]:
    """Each screened segment's risk for the ranking: its own where the run's profile has a
    learned span decision, or, for a budget that is a share, where the screening
    forced-decoded it (given its source, or given its translation to the first pivot: the
    profile's risk then weighs the models' surprisal); else the ranking profile's decision
    over the segment's flags, whose bands an auto budget reads."""
    model = ranking(own).span_model
    assert model is not None
    return [r.risk if model is own.span_model or (
        budget.fraction is not None and (r.signals.source_surprisal is not None
                                         or bool(r.signals.pivot_surprisal)))
        else model.decide(r, lang)[1] for r in results]


def chosen(screened: Sequence[SegmentResult], risks: Sequence[float], budget: Budget,
           medium: float) -> list[int]:
    """The positions, in order, of the segments the model passes check: the riskiest
    `budget.fraction` of them by `risks` (ties: the earlier first), or with an auto budget
    those at or above `medium`; and every one with a meaning-critical flag."""
    critical = {k for k, r in enumerate(screened)
                if any(in_group(f.signal, MEANING) for f in r.flags)}
    if budget.fraction is None:
        risky = {k for k, risk in enumerate(risks) if risk >= medium}
    else:
        n = math.ceil(budget.fraction * len(screened))
        risky = set(sorted(range(len(screened)), key=lambda k: (-risks[k], k))[:n])
    return sorted(risky | critical)


def screened(result: SegmentResult, budget: Budget, screening_risk: float) -> SegmentResult:
    """A segment the model passes left out: the screening's result, said so in its notes."""
    note = (f"screened: the model passes checked other segments (budget {budget}); its "
            "flags are the model-free checks', its risk the screening's")
    return replace(result, signals=replace(result.signals, screening_risk=screening_risk,
                                           screened=True),
                   segment=replace(result.segment, notes=(*result.segment.notes, note)))


def checked(result: SegmentResult, screening_risk: float) -> SegmentResult:
    """A segment the model passes checked, with the risk its screening gave it."""
    return replace(result, signals=replace(result.signals, screening_risk=screening_risk))
