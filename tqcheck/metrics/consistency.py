"""Surface consistency between an original and its round trip: sacrebleu chrF, BLEU, TER.

The original plays the reference; a round trip that keeps the meaning and wording scores
high. Sentence BLEU uses effective order so short sentences are not zeroed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_CJK = {"zh", "ja", "ko"}


@dataclass
class ConsistencyMetric:
    name: str  # "chrf" | "bleu" | "ter"
    metric: Any
    higher_is_better: bool = True

    def score(self, hypothesis: str, reference: str) -> float:
        return float(self.metric.sentence_score(hypothesis, [reference]).score)

    def signature(self) -> str:
        # sacrebleu learns the reference count on first use; one reference, always.
        self.metric.sentence_score("x", ["x"])
        return f"{self.name}[{self.metric.get_signature().format(short=True)}]"


def consistency_metrics(lang: str) -> list[ConsistencyMetric]:
    """chrF, BLEU and TER configured for texts in `lang` (tokenisation differs for CJK)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    tokenize = "zh" if lang == "zh" else ("char" if lang in _CJK else "13a")
    return [
        ConsistencyMetric("chrf", CHRF()),
        ConsistencyMetric("bleu", BLEU(effective_order=True, tokenize=tokenize)),
        ConsistencyMetric("ter", TER(asian_support=lang in _CJK), higher_is_better=False),
    ]
