"""An in-memory memo around any backend, so re-running the checker with other thresholds
(calibration) translates and scores each input once."""

from __future__ import annotations

from collections.abc import Sequence

from tqcheck.translate.base import Backend
from tqcheck.types import TokenScores


class MemoBackend:
    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.pair, self.model, self.backend_id = inner.pair, inner.model, inner.backend_id
        self._translations: dict[tuple[str, int | None], str] = {}
        self._scores: dict[tuple[str, str], TokenScores] = {}

    def translate(self, texts: Sequence[str], beams: int | None = None) -> list[str]:
        todo = [t for t in dict.fromkeys(texts) if (t, beams) not in self._translations]
        if todo:
            self._translations.update(zip([(t, beams) for t in todo],
                                          self.inner.translate(todo, beams), strict=True))
        return [self._translations[t, beams] for t in texts]

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        pairs = list(zip(sources, targets, strict=True))
        todo = [p for p in dict.fromkeys(pairs) if p not in self._scores]
        if todo:
            done = self.inner.score([s for s, _ in todo], [t for _, t in todo])
            self._scores.update(zip(todo, done, strict=True))
        return [self._scores[p] for p in pairs]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)
