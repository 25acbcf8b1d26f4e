"""Shared fixtures: tiny random Marian models (built once per session); the fake backend
whose translations and token scores a test chooses is tqcheck.testing.fake."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Translations cached by the tests stay out of the user's cache, and the user's
# configuration (profiles, checklists) neither changes the tests nor is written by them.
# Both are removed when the session ends.
for _var, _prefix in (("TQCHECK_CACHE_DIR", "tqcheck-test-cache-"),
                      ("TQCHECK_CONFIG_DIR", "tqcheck-test-config-")):
    if _var not in os.environ:
        os.environ[_var] = tempfile.mkdtemp(prefix=_prefix)
        atexit.register(shutil.rmtree, os.environ[_var], True)
# The suite runs strict: a check that raises on a segment fails the test that met it, in
# this process and in the commands the tests run (fault-isolation tests ask for --no-strict).
os.environ["TQCHECK_STRICT"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "news" / "donbas-talks-2025-12-15.en.txt"


def flags_of(signal: str, text: str, lang: str) -> list:
    """The flags of one check (`signal`) on `text`, checked model-free as one input."""
    from tqcheck.check.options import CheckOptions
    from tqcheck.pipeline.document import check_text

    result = check_text(text, CheckOptions(lang=lang, model_free=True, language_id=False))
    return [f for r in result.segments for f in r.flags if f.signal == signal]


def marked(text: str, flags: list) -> list[tuple[str, str | None]]:
    """Each flag as (the text it covers, its suggestion): what a reader of the flag sees."""
    return [(text[f.start:f.end], f.suggestion) for f in flags]


def assert_flags_inside_words(signal: str, words: list[str], lang: str) -> None:
    """Each flag of `signal` on the words joined lies inside its segment and covers one of
    the words (a property test's assertion: a flag's offsets are its segment's)."""
    from tqcheck.check.options import CheckOptions
    from tqcheck.pipeline.document import check_text

    result = check_text(" ".join(words), CheckOptions(lang=lang, model_free=True,
                                                      language_id=False))
    for r in result.segments:
        text = r.segment.text
        for f in (f for f in r.flags if f.signal == signal):
            assert 0 <= f.start < f.end <= len(text) and text[f.start:f.end] in words


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
