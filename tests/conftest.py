"""Shared fixtures: tiny random Marian models (built once per session) and a fake backend
whose translations and token scores the test chooses."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Translations cached by the tests stay out of the user's cache.
os.environ.setdefault("TQCHECK_CACHE_DIR", tempfile.mkdtemp(prefix="tqcheck-test-cache-"))

from tqcheck.check.spans import words
from tqcheck.types import TokenScores

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "news" / "donbas-talks-2025-12-15.en.txt"


class FakeBackend:
    """Returns chosen translations (identity otherwise) and word-level forced-decoding
    scores: every word has log-prob 0 except those in `surprising`, which get -gap."""

    def __init__(self, pair: str, translations: Mapping[str, str] | None = None,
                 surprising: Mapping[str, float] | None = None) -> None:
        self.name = f"{pair}=fake"
        self.translations = dict(translations or {})
        self.surprising = dict(surprising or {})
        self.calls: list[list[str]] = []

    def translate(self, texts: Sequence[str]) -> list[str]:
        self.calls.append(list(texts))
        return [self.translations.get(t, t) for t in texts]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(words(t)) + 1 for t in texts]

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[TokenScores]:
        out = []
        for tgt in targets:
            ws = words(tgt)
            lps = tuple(-self.surprising.get(w.text, 0.0) for w in ws)
            out.append(TokenScores(
                tokens=tuple(w.text for w in ws), logprobs=lps,
                best_tokens=tuple(w.text for w in ws), best_logprobs=tuple(0.0 for _ in ws),
                offsets=tuple((w.start, w.end) for w in ws)))
        return out


def fake_factory(backends: Mapping[str, FakeBackend] | None = None):
    """A BackendFactory: the given backends by pair, identity backends for any other pair."""
    made: dict[str, FakeBackend] = dict(backends or {})

    def factory(pair: str) -> FakeBackend:
        return made.setdefault(pair, FakeBackend(pair))

    return factory


@pytest.fixture(scope="session")
def tiny_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Random tiny Marian models for en<->fr and en<->de, trained vocabularies on the seed."""
    from tqcheck.testing.marian import build_random_pair

    base = tmp_path_factory.mktemp("models")
    text = SEED.read_text("utf-8")
    sentences = [s for s in text.replace(". ", ".\n").splitlines() if s.strip()]
    sentences += ["Le Kremlin a confirmé que Kiev reste hors de l'OTAN.",
                  "Der Kreml bestätigte, dass Kiew außerhalb der NATO bleibt."] * 5
    for seed, pair in enumerate(["en-fr", "fr-en", "en-de", "de-en"]):
        src, tgt = pair.split("-")
        build_random_pair(base / pair, sentences, src, tgt, vocab_size=300, seed=seed)
    return base
