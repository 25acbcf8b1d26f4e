"""The measurements the checker takes of a segment, as a typed object.

The risk model reads these by attribute, so a renamed signal is an error where it is used,
not a feature that silently reads 0. The flat `metric:comparison` names of the JSON output
and of the run database (docs/output.md) are written and read here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache

from tqcheck.errors import InputError

SOURCE = "source"  # the comparison name of measurements taken against the source
REVERSE = "reverse"  # ... of the source force-decoded given the text (the reverse model)


@dataclass(frozen=True)
class Agreement:
    """How far two wordings agree, by sacrebleu (the second one is the reference)."""

    chrf: float
    bleu: float
    ter: float


@dataclass(frozen=True)
class Surprisal:
    """Forced decoding of a text under a model: mean token log-probability, and the mean and
    largest gap between the model's own choice and the given token (nats, >= 0)."""

    logprob: float
    gap_mean: float
    gap_max: float


AGREEMENT_METRICS = tuple(f.name for f in fields(Agreement))
SURPRISAL_METRICS = tuple(f.name for f in fields(Surprisal))


@dataclass
class Signals:
    """Everything measured about one segment (absent measurements are None or empty)."""

    similarity: float | None = None  # cosine of source and text (multilingual USE)
    roundtrip: dict[str, Agreement] = field(default_factory=dict)  # by pivot: text -> p -> text
    pivot_surprisal: dict[str, Surprisal] = field(default_factory=dict)  # text given pivot text
    backtranslation: Agreement | None = None  # the text in the source language vs the source
    pseudo_reference: Agreement | None = None  # the text vs the source translated
    source_surprisal: Surprisal | None = None  # the text given the source
    reverse_surprisal: Surprisal | None = None  # the source given the text: what it leaves out
    # The source through the target language and back, vs the source: how well the models
    # carry this source at all (their reliability on it), whatever the text says.
    source_roundtrip: Agreement | None = None
    # The cascade (--budget): the risk the screening ranked the segment by, and whether
    # the model passes left it out (its result is then the screening's).
    screening_risk: float | None = None
    screened: bool = False
    # Measurements checks contribute (SegmentContext.measure), by flat name
    # `check:<family>:<id>:<name>`; read back as they were written.
    extra: dict[str, float] = field(default_factory=dict)

    def to_metrics(self) -> dict[str, float]:
        """The flat names of docs/output.md, in the order the checker measures them."""
        out: dict[str, float] = {}
        if self.similarity is not None:
            out["similarity:source"] = self.similarity
        for pivot in dict.fromkeys([*self.roundtrip, *self.pivot_surprisal]):
            if pivot in self.roundtrip:
                out |= _named(self.roundtrip[pivot], "{}:roundtrip:" + pivot)
            if pivot in self.pivot_surprisal:
                out |= _named(self.pivot_surprisal[pivot], "{}:" + pivot)
        if self.backtranslation is not None:
            out |= _named(self.backtranslation, "{}:backtranslation")
        if self.pseudo_reference is not None:
            out |= _named(self.pseudo_reference, "{}:pseudo_reference")
        if self.source_surprisal is not None:
            out |= _named(self.source_surprisal, "{}:" + SOURCE)
        if self.reverse_surprisal is not None:
            out |= _named(self.reverse_surprisal, "{}:" + REVERSE)
        if self.source_roundtrip is not None:
            out |= _named(self.source_roundtrip, "{}:source_roundtrip")
        if self.screening_risk is not None:
            out["cascade:screening_risk"] = self.screening_risk
            out["cascade:screened"] = float(self.screened)
        return out | self.extra

    @classmethod
    def from_metrics(cls, metrics: dict[str, float]) -> Signals:
        """The inverse of `to_metrics`; a name it does not know is an error."""
        groups: dict[tuple[str, str], dict[str, float]] = {}
        similarity = None
        extra = {}
        cascade: dict[str, float] = {}
        for name, value in metrics.items():
            kind, key, metric = _parse_name(name)
            if kind == "check":
                extra[name] = value
            elif kind == "similarity":
                similarity = value
            elif kind == "cascade":
                cascade[metric] = value
            else:
                groups.setdefault((kind, key), {})[metric] = value
        out = cls(similarity=similarity, extra=extra,
                  screening_risk=cascade.get("screening_risk"),
                  screened=bool(cascade.get("screened", 0.0)))
        for (kind, key), values in groups.items():
            try:
                if kind == "roundtrip":
                    out.roundtrip[key] = Agreement(**values)
                elif kind == "surprisal" and key == SOURCE:
                    out.source_surprisal = Surprisal(**values)
                elif kind == "surprisal" and key == REVERSE:
                    out.reverse_surprisal = Surprisal(**values)
                elif kind == "surprisal":
                    out.pivot_surprisal[key] = Surprisal(**values)
                else:
                    setattr(out, kind, Agreement(**values))
            except TypeError:
                raise InputError(f"incomplete signals for {kind} {key}: {sorted(values)}") from None
        return out


@cache
def _parse_name(name: str) -> tuple[str, str, str]:
    """(kind, pivot or "", metric) of a flat signal name; an unknown name is an error."""
    parts = name.split(":")
    if name == "similarity:source":
        return "similarity", "", ""
    if len(parts) >= 4 and parts[0] == "check":
        return "check", "", ""
    if len(parts) == 2 and parts[0] == "cascade" and parts[1] in ("screening_risk", "screened"):
        return "cascade", "", parts[1]
    if len(parts) == 3 and parts[0] in AGREEMENT_METRICS and parts[1] == "roundtrip":
        return "roundtrip", parts[2], parts[0]
    if len(parts) == 2 and parts[0] in AGREEMENT_METRICS and parts[1] in (
            "backtranslation", "pseudo_reference", "source_roundtrip"):
        return parts[1], "", parts[0]
    if len(parts) == 2 and parts[0] in SURPRISAL_METRICS:
        return "surprisal", parts[1], parts[0]
    raise InputError(f"unknown signal {name!r}: written by another tqcheck version?")


def _named(obj: Agreement | Surprisal, pattern: str) -> dict[str, float]:
    names = AGREEMENT_METRICS if isinstance(obj, Agreement) else SURPRISAL_METRICS
    return {pattern.format(name): getattr(obj, name) for name in names}
