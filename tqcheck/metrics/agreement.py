"""Surface agreement between two wordings: sacrebleu chrF, BLEU and TER.

The original plays the reference; a round trip that keeps the meaning and wording scores
high. Sentence BLEU uses effective order so short sentences are not zeroed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tqcheck.signals import Agreement
from tqcheck.signature import Signature

_CJK = {"zh", "ja", "ko"}


@dataclass(frozen=True)
class AgreementMetrics:
    """chrF, BLEU and TER configured for texts in one language."""

    chrf: Any
    bleu: Any
    ter: Any

    def score(self, hypothesis: str, reference: str) -> Agreement:
        return Agreement(**{name: float(m.sentence_score(hypothesis, [reference]).score)
                            for name, m in self._metrics()})

    def signature(self) -> dict[str, Signature]:
        """Each metric's sacrebleu signature (short form), as nested fields."""
        out = {}
        for name, m in self._metrics():
            m.sentence_score("x", ["x"])  # sacrebleu learns the reference count on first use
            out[name] = Signature.parse(m.get_signature().format(short=True), prefix="")
        return out

    def _metrics(self) -> list[tuple[str, Any]]:
        return [("chrf", self.chrf), ("bleu", self.bleu), ("ter", self.ter)]


def agreement_metrics(lang: str) -> AgreementMetrics:
    """chrF, BLEU and TER for texts in `lang` (tokenisation differs for CJK)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    tokenize = "zh" if lang == "zh" else ("char" if lang in _CJK else "13a")
    return AgreementMetrics(CHRF(), BLEU(effective_order=True, tokenize=tokenize),
                            TER(asian_support=lang in _CJK))
