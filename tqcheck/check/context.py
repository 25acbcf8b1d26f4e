"""SegmentContext: everything known about one segment when its checks run.

The model passes of the checker fill it (each pivot's translation, round trip and token
scores; with a source, the pseudo-reference, its round trip and the forced decodings), the
document adds what it knows (the names it writes), and the checks only read it. What a check
derives from it (words, per-word gaps) is computed once and shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from tqcheck.signals import Signals
from tqcheck.text.align import Word, word_gaps, words
from tqcheck.types import Segment, TokenScores


@dataclass(frozen=True)
class PivotPass:
    """The text through one pivot language: there, back again, and its token scores."""

    text: str  # the segment in the pivot language
    roundtrip: str  # and back into the target language
    scores: TokenScores  # the segment force-decoded given `text`
    roundtrip_scores: TokenScores | None = None  # the round trip force-decoded given `text`
    # (only when a check declares Need.ROUNDTRIP_SCORES)


@dataclass(frozen=True)
class SourcePass:
    """What the models make of a segment and its source (source-aware mode)."""

    lang: str  # the source language (its pivot pass holds the back-translation: the
    # segment in the source language, and the segment's token scores given it)
    pseudo_reference: str  # the source translated into the target language
    source_roundtrip: str  # ... and back: what the models can carry of the source at all
    text_given_source: TokenScores  # the segment force-decoded given the source
    source_given_text: TokenScores  # the source force-decoded given the segment (reverse)


@dataclass(frozen=True)
class DocumentFacts:
    """What the whole input says about each of its segments."""

    names: frozenset[str] = frozenset()  # lower-cased words written as names somewhere
    repeated: frozenset[str] = frozenset()  # lower-cased words several segments write


@dataclass
class SegmentContext:
    """One segment, its source and everything measured about it, for the checks."""

    segment: Segment
    lang: str
    src_lang: str | None = None
    pivots: dict[str, PivotPass] = field(default_factory=dict)
    source_pass: SourcePass | None = None
    document: DocumentFacts = field(default_factory=DocumentFacts)
    signals: Signals = field(default_factory=Signals)

    @property
    def text(self) -> str:
        return self.segment.text

    @property
    def source(self) -> str | None:
        return self.segment.source

    def given_source(self) -> str:
        """The source, for a check that declares Need.SOURCE (the pipeline runs it only on
        segments that have one)."""
        if self.segment.source is None:
            raise LookupError("this segment has no source: declare Need.SOURCE")
        return self.segment.source

    @property
    def backtranslation(self) -> PivotPass:
        """The source language's pivot pass (source-aware): the back-translation."""
        return self.pivots[self.given_models().lang]

    def given_models(self) -> SourcePass:
        """The source pass, for a check that declares Need.SOURCE_MODELS."""
        if self.source_pass is None:
            raise LookupError("this segment has no source pass: declare Need.SOURCE_MODELS")
        return self.source_pass

    @cached_property
    def words(self) -> list[Word]:
        """The segment's words with offsets."""
        return words(self.segment.text)

    @cached_property
    def source_words(self) -> list[Word]:
        return words(self.segment.source or "")

    @cached_property
    def pivot_gaps(self) -> list[float]:
        """Per word of the segment, its smallest forced-decoding gap over the pivots: a word
        is surprising only when every pivot's reverse model finds it so (empty without
        pivots)."""
        per_pivot = [word_gaps(self.words, pp.scores) for pp in self.pivots.values()]
        return [min(col) for col in zip(*per_pivot, strict=True)] if per_pivot else []

    @cached_property
    def gaps_given_source(self) -> list[float]:
        """Per word of the segment, its forced-decoding gap given the source (0 without)."""
        sp = self.source_pass
        return word_gaps(self.words, sp.text_given_source if sp else None)

    def measure(self, check: str, name: str, value: float) -> None:
        """Record a measurement of a check (`check:<check>:<name>` among the metrics)."""
        self.signals.extra[f"check:{check}:{name}"] = float(value)

    def backtranslations(self) -> dict[str, str]:
        """The model outputs under their output names (docs/output.md), in pass order."""
        out = {f"roundtrip:{p}": pp.roundtrip for p, pp in self.pivots.items()}
        sp = self.source_pass
        if sp is not None:
            out[f"backtranslation:{sp.lang}"] = self.pivots[sp.lang].text
            out["pseudo_reference"] = sp.pseudo_reference
            out["source_roundtrip"] = sp.source_roundtrip
        return out
