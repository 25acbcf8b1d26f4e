"""The learned span decision: which words of a checked segment are in an error, and how grave,
from every check's flags and signals, by two logistic models fitted on expert span
annotations (`tqcheck calibrate --spans FILE`; the shipped `spans` profile was fitted on
WMT21 news and TED MQM spans, docs/evaluation.md).

Checks flag what they can prove; annotators mark much more (awkward wording, nuance lost),
mostly in sentences that go wrong as a whole. So each word gets features of its own (a
flag on it, no counterpart in the source, how rare it is, whether it is a name or a number)
and of its sentence (how similar to the source, how much of it and of the source lacks a
counterpart, how many flags it has), and a probability of being in an error. Words at or
above `threshold` become spans (neighbours merged), Major where the second model says so.
Candidate checks (`candidates`: meaning:coverage) inform the decision and are not shown
themselves. The features are language-independent, so one model serves every pair; a
profile fitted on one's own annotations serves one's own text best.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tqcheck.errors import ConfigError
from tqcheck.text.align import Word, words
from tqcheck.text.frequency import zipf as zipf_of
from tqcheck.types import Flag, SegmentResult

FEATURE_SET = "tqcheck-spans-1"
COVERAGE = "meaning:coverage"
# The features, each in [0, 1]; the weights of a profile name them (and FEATURE_SET).
FEATURES = (
    "punct", "digit", "capital", "zipf", "unknown", "length", "in_source", "uncovered",
    "uncovered_near", "flag_accuracy", "flag_fluency", "flag_other", "position",
    "similarity", "dissimilarity_content", "no_similarity", "uncovered_target",
    "uncovered_source", "words", "segment_flags", "risk", "similarity_low",
    "similarity_mid", "rare_dissimilar",
)
# and one feature per check whose flag covers the word: "flag:<family:id>" (checks not in a
# profile's weights weigh nothing)
LEARNED = "spans:learned"


@dataclass(frozen=True)
class SpanModel:
    """Two logistic models over FEATURES: error or not, and Major given an error."""

    bias: float
    weights: dict[str, float]
    major_bias: float
    major_weights: dict[str, float]
    threshold: float = 0.5  # a word at least this likely in an error is flagged
    major_threshold: float = 0.5  # a span whose words are this likely Major is Major
    candidates: tuple[str, ...] = (COVERAGE,)  # checks whose flags inform and are not shown
    fitted_on: str = ""  # what it was fitted on (said by `tqcheck checks`)
    heldout: dict[str, Any] = field(default_factory=dict)  # figures where it was chosen

    @classmethod
    def from_table(cls, table: Any, where: str) -> SpanModel | None:
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{where} must be a table")
        if table.get("feature_set") != FEATURE_SET:
            raise ConfigError(f"{where}: feature_set {table.get('feature_set')!r} is not "
                              f"{FEATURE_SET!r}: refit it with `tqcheck calibrate --spans`")
        try:
            weights = {str(k): float(v) for k, v in table["weights"].items()}
            major = {str(k): float(v) for k, v in table["major_weights"].items()}
            unknown = sorted(f for f in set(weights) | set(major)
                         if f not in FEATURES and not f.startswith("flag:"))
            if unknown:
                raise ValueError(f"unknown features {', '.join(unknown)}")
            return cls(float(table["bias"]), weights, float(table["major_bias"]), major,
                       float(table.get("threshold", 0.5)),
                       float(table.get("major_threshold", 0.5)),
                       tuple(table.get("candidates", (COVERAGE,))),
                       str(table.get("fitted_on", "")), dict(table.get("heldout", {})))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigError(f"{where}: {exc}") from None

    def to_table(self) -> dict[str, Any]:
        return {"feature_set": FEATURE_SET, "fitted_on": self.fitted_on,
                "threshold": self.threshold, "major_threshold": self.major_threshold,
                "candidates": list(self.candidates), "bias": self.bias,
                "weights": self.weights, "major_bias": self.major_bias,
                "major_weights": self.major_weights, "heldout": self.heldout}

    def probabilities(self, rows: Sequence[dict[str, float]]) -> list[tuple[float, float]]:
        """Per word: (probability of an error, probability that it is Major)."""
        return [(_sigmoid(self.bias, self.weights, r),
                 _sigmoid(self.major_bias, self.major_weights, r)) for r in rows]

    def decide(self, result: SegmentResult, lang: str) -> tuple[list[Flag], float]:
        """The segment's flags (the shown checks' as they are, and the learned spans) and its
        risk: E / (1 + E), E the expected number of words in an error (on WMT22 MQM spans it
        ranks sentences far better than the hand-set risk: docs/evaluation.md). `result.risk`
        is the profile's risk of the shown flags, one of the features."""
        ws, rows = token_features(result, lang, self.candidates)
        shown = [f for f in result.flags if f.signal not in self.candidates]
        probabilities = self.probabilities(rows)
        expected = sum(p for p, _ in probabilities)
        for a, b, p, major in self.spans(result.segment.text, ws, rows, probabilities):
            inside = [r for r, w in zip(rows, ws, strict=True) if a <= w.start and w.end <= b]
            fluency = any(r["flag_fluency"] or r["unknown"] for r in inside) and not any(
                r["uncovered"] or r["flag_accuracy"] for r in inside)
            # no category is proven: wording where only fluency evidence stands, else meaning
            shown.append(Flag(a, b, "Style/Awkward" if fluency else "Accuracy/Mistranslation",
                              "Major" if major else "Minor",
                              f"likely error ({p:.0%} by the {LEARNED} decision: "
                              f"{_evidence(inside, rows)})", signal=LEARNED))
        return shown, expected / (1 + expected)


    def spans(self, text: str, ws: Sequence[Word], rows: Sequence[dict[str, float]],
              probabilities: Sequence[tuple[float, float]]
              ) -> list[tuple[int, int, float, bool]]:
        """The learned spans of a text (`learned_spans`), where no shown check already flags
        a word: a word is not flagged twice."""
        open_words = [(0.0, q) if _flagged(r) else (p, q)
                      for r, (p, q) in zip(rows, probabilities, strict=True)]
        return learned_spans(text, ws, open_words, self.threshold, self.major_threshold)


def learned_spans(text: str, ws: Sequence[Word], probabilities: Sequence[tuple[float, float]],
                  threshold: float, major_threshold: float
                  ) -> list[tuple[int, int, float, bool]]:
    """(start, end, the highest error probability, Major) of each run of words at or above
    `threshold` (punctuation never starts or extends one; words apart by spaces merge)."""
    runs: list[tuple[int, int, list[tuple[float, float]]]] = []
    for w, pq in zip(ws, probabilities, strict=True):
        if pq[0] < threshold or w.is_punct:
            continue
        if runs and not text[runs[-1][1]:w.start].strip():
            a, _, ps = runs[-1]
            runs[-1] = (a, w.end, [*ps, pq])
        else:
            runs.append((w.start, w.end, [pq]))
    return [(a, b, max(p for p, _ in ps), sum(q for _, q in ps) / len(ps) >= major_threshold)
            for a, b, ps in runs]


def _sigmoid(bias: float, weights: dict[str, float], row: dict[str, float]) -> float:
    z = bias + sum(w * row.get(f, 0.0) for f, w in weights.items())
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def _flagged(row: dict[str, float]) -> bool:
    """A shown check's target flag covers the word."""
    return bool(row["flag_accuracy"] or row["flag_fluency"] or row["flag_other"])


def _evidence(inside: Sequence[dict[str, float]], rows: Sequence[dict[str, float]]) -> str:
    """What the span's words (`inside`) have in evidence, for its message."""
    said = []
    if any(r["uncovered"] for r in inside):
        said.append("no counterpart in the source")
    if any(_flagged(r) for r in inside):
        said.append("flagged by a check")
    if any(r["unknown"] for r in inside):
        said.append("a word the language does not use")
    row = inside[0] if inside else rows[0]
    if not row["no_similarity"]:
        said.append(f"sentence similarity to the source {row['similarity']:.2f}")
    if row["uncovered_source"] > 0.3:
        said.append(f"{row['uncovered_source']:.0%} of the source's content words unmatched")
    return "; ".join(said) or "the sentence's features"


def token_features(result: SegmentResult, lang: str,
                   candidates: Sequence[str] = (COVERAGE,)
                   ) -> tuple[list[Word], list[dict[str, float]]]:
    """The words of the segment's text and each one's features (FEATURES)."""
    text, source = result.segment.text, result.segment.source or ""
    ws = words(text)
    src_lower = source.lower()
    target_flags = [f for f in result.flags if f.side == "target"]
    uncovered = [(f.start, f.end) for f in target_flags if f.signal == COVERAGE]
    shown = [f for f in target_flags if f.signal not in candidates]
    extra = result.signals.extra
    sim = result.signals.similarity
    n = len(ws)
    flagged_uncovered = [any(a <= w.start and w.end <= b for a, b in uncovered) for w in ws]
    sentence = {
        "similarity": sim if sim is not None else 0.0,
        "no_similarity": float(sim is None),
        "uncovered_target": extra.get(f"check:{COVERAGE}:uncovered_target", 0.0),
        "uncovered_source": extra.get(f"check:{COVERAGE}:uncovered_source", 0.0),
        "words": min(1.0, math.log1p(n) / 5),
        "segment_flags": min(len(shown), 5) / 5,
        "risk": result.risk,
        "similarity_low": float(sim is not None and sim < 0.5),
        "similarity_mid": float(sim is not None and 0.5 <= sim < 0.7),
    }
    rows = []
    for k, w in enumerate(ws):
        covering = [f for f in shown if f.start < w.end and w.start < f.end]
        letters = any(c.isalpha() for c in w.text)
        known = zipf_of(w.text, lang) if not w.is_punct else 8.0
        # where wordfreq has no list for the language: a middling word, never an unknown one
        zipf = known if known is not None else 4.0
        # a content word: below Zipf 5.6, the function-word bound of [bilingual] in
        # configs/languages.toml, fixed here with FEATURE_SET (a config edit must not
        # change a fitted decision's features)
        content = letters and zipf < 5.6
        near = sum(flagged_uncovered[j] for j in range(max(0, k - 2), min(n, k + 3))
                   if j != k)
        rows.append({
            "punct": float(w.is_punct),
            "digit": float(any(c.isdigit() for c in w.text)),
            "capital": float(k > 0 and w.text[:1].isupper()),
            "zipf": min(zipf, 8.0) / 8,
            "unknown": float(letters and known == 0.0),
            "length": min(len(w.text), 20) / 20,
            "in_source": float(len(w.text) >= 2 and w.norm in src_lower),
            "uncovered": float(flagged_uncovered[k]),
            "uncovered_near": near / 4,
            "flag_accuracy": float(any(f.category.startswith("Accuracy") for f in covering)),
            "flag_fluency": float(any(f.category.startswith("Fluency") for f in covering)),
            "flag_other": float(any(not f.category.startswith(("Accuracy", "Fluency"))
                                    for f in covering)),
            "position": k / max(1, n - 1),
            "dissimilarity_content": (1 - sentence["similarity"]) * content
            if sim is not None else 0.0,
            "rare_dissimilar": (1 - sentence["similarity"]) * (1 - min(zipf, 8.0) / 8)
            if sim is not None else 0.0,
            **sentence,
            **{f"flag:{f.signal.split('/')[0]}": 1.0 for f in covering},
        })
    return ws, rows
