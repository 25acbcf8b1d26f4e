"""A backend whose translations and token scores a test chooses, so that every expected
flag and offset is known in advance; and a factory serving such backends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tqcheck.text.align import words
from tqcheck.translate.base import CacheStats
from tqcheck.types import TokenScores


class FakeBackend:
    """Returns chosen translations (identity otherwise) and word-level forced-decoding
    scores: every word has log-prob 0 except those in `surprising`, which get -gap."""

    backend_id = "fake"

    def __init__(self, pair: str, translations: Mapping[str, str] | None = None,
                 surprising: Mapping[str, float] | None = None) -> None:
        self.pair = pair
        self.model = "fake"
        self.translations = dict(translations or {})
        self.surprising = dict(surprising or {})
        self.calls: list[list[str]] = []  # the texts of each translate call
        self.beams: list[int | None] = []  # each translate call's beam size (None: default)
        self.score_calls: list[list[tuple[str, str]]] = []

    def translate(self, texts: Sequence[str], beams: int | None = None) -> list[str]:
        self.calls.append(list(texts))
        self.beams.append(beams)
        return [self.translations.get(t, t) for t in texts]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(words(t)) + 1 for t in texts]

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        from tqcheck.testing.contexts import word_scores

        self.score_calls.append(list(zip(sources, targets, strict=True)))
        return [word_scores(tgt, self.surprising) for tgt in targets]


class FakeFactory:
    """A BackendFactory: the given backends by pair, identity backends for any other pair."""

    backend_id = "fake"

    def __init__(self, backends: Mapping[str, FakeBackend] | None = None) -> None:
        self.made: dict[str, FakeBackend] = dict(backends or {})

    def __call__(self, pair: str) -> FakeBackend:
        return self.made.setdefault(pair, FakeBackend(pair))

    @property
    def cache_stats(self) -> CacheStats:
        return CacheStats()


class DyingOnceBackend(FakeBackend):
    """A FakeBackend whose process dies (as if killed) on its first translation anywhere:
    `marker` is created then, so the retried work runs normally. For fault tests of the
    Ray engine, where the process is an actor."""

    def __init__(self, pair: str, marker: str, translations: Mapping[str, str] | None = None
                 ) -> None:
        super().__init__(pair, translations)
        self.marker = marker

    def translate(self, texts: Sequence[str], beams: int | None = None) -> list[str]:
        import os

        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return super().translate(texts, beams)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os._exit(1)  # no cleanup, no exception: the process is gone mid-chunk
