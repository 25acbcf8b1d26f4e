"""The CTranslate2 backend against the torch one, and the on-disk translation cache."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from tqcheck.translate.base import BackendSettings
from tqcheck.translate.diskcache import CachedBackend, TranslationCache
from tqcheck.translate.factory import ModelFactory
from tqcheck.translate.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
TOY = str(ROOT / "fixtures" / "models")
HELDOUT = (ROOT / "fixtures" / "toy" / "heldout.en.txt").read_text("utf-8").splitlines()[:24]


def backends(tmp_path: Path, **ct2: str):
    dec = load_registry().decoding
    torch_f = ModelFactory(TOY, dec, BackendSettings(cache=False))
    ct2_f = ModelFactory(TOY, dec, BackendSettings(kind="ct2", cache=False,
                                                   cache_dir=str(tmp_path), **ct2))
    return torch_f, ct2_f


@pytest.mark.slow
def test_ct2_float32_matches_torch(tmp_path: Path) -> None:
    """Same translations and the same forced-decoding scores, up to float rounding."""
    torch_f, ct2_f = backends(tmp_path, compute_type="float32")
    for pair in ("en-toy", "toy-en"):
        texts = HELDOUT if pair == "en-toy" else torch_f("en-toy").translate(HELDOUT)
        ref = torch_f(pair).translate(texts)
        got = ct2_f(pair).translate(texts)
        assert got == ref
        a = torch_f(pair).score(texts, ref)
        b = ct2_f(pair).score(texts, ref)
        for x, y in zip(a, b, strict=True):
            assert x.tokens == y.tokens and x.offsets == y.offsets
            assert max(abs(p - q) for p, q in zip(x.logprobs, y.logprobs, strict=True)) < 1e-2
            agree = sum(s == t for s, t in zip(x.best_tokens, y.best_tokens, strict=True))
            assert agree >= len(x.best_tokens) - 1  # near-ties may flip
        assert ct2_f(pair).count_tokens(texts) == torch_f(pair).count_tokens(texts)


@pytest.mark.slow
def test_ct2_forced_decoding_calls_fit_the_logits_budget(tmp_path: Path) -> None:
    """Each pair is scored in exactly one call whose logits and cross-attention state fit
    `ct2_logits_mb`, and how the pairs are grouped into calls does not change the scores."""
    dec = load_registry().decoding
    texts = HELDOUT
    ref = ModelFactory(TOY, dec, BackendSettings(cache=False))("en-toy").translate(texts)
    scores = {}
    for mb in (1, 256):
        small = dataclasses.replace(dec, ct2_logits_mb=mb)
        backend = ModelFactory(TOY, small, BackendSettings(
            kind="ct2", compute_type="float32", cache=False, cache_dir=str(tmp_path)))(
            "en-toy")
        src = [len(x) for x in backend._pieces(texts)]
        tgt = [len(x) for x in backend.tokenizer(text_target=ref)["input_ids"]]
        calls = backend._logit_batches(src, tgt)
        assert sorted(i for call in calls for i in call) == list(range(len(texts)))
        per_step = 4 * len(backend.tokenizer)
        for call in calls:
            if len(call) > 1:
                rows_steps = len(call) * (max(tgt[i] for i in call) + 1)
                assert rows_steps * per_step <= mb * 2**20
        assert (len(calls) > 4) == (mb == 1)
        # Many one-word targets of long sources: the rows' cross-attention state is bounded.
        long_src = backend._logit_batches([512] * 2000, [2] * 2000)
        assert sorted(i for call in long_src for i in call) == list(range(2000))
        assert all(len(c) * 512 * backend._state_per_token <= mb * 2**20
                   for c in long_src if len(c) > 1)
        scores[mb] = backend.score(texts, ref)
    for x, y in zip(scores[1], scores[256], strict=True):
        assert x.tokens == y.tokens and x.best_tokens == y.best_tokens
        assert max(abs(p - q) for p, q in zip(x.logprobs, y.logprobs, strict=True)) < 1e-4


@pytest.mark.slow
def test_ct2_converts_once_and_int8_is_default_on_cpu(tmp_path: Path) -> None:
    _, ct2_f = backends(tmp_path)
    backend = ct2_f("en-toy")
    assert backend.compute_type == "int8" and backend.backend_id == "ct2/int8"
    assert ct2_f.backend_id == "ct2/int8" and backends(tmp_path)[0].backend_id == "torch/float32"
    converted = list((tmp_path / "ct2").iterdir())
    assert len(converted) == 1 and (converted[0] / "model.bin").is_file()
    stamp = (converted[0] / "model.bin").stat().st_mtime_ns
    _, again = backends(tmp_path)
    again("en-toy")
    assert (converted[0] / "model.bin").stat().st_mtime_ns == stamp
    out = backend.translate(HELDOUT[:4])
    assert len(out) == 4 and all(isinstance(t, str) and t for t in out)
    assert converted[0].name.endswith("-int8-v2")  # saved quantised: loads small
    # The conversion ran in a child process: a scoring process that finds it cached never
    # imports torch (hundreds of MB it would otherwise keep for the whole run).
    probe = (
        "import sys\n"
        "from tqcheck.translate.registry import load_registry\n"
        "from tqcheck.translate.base import BackendSettings\n"
        "from tqcheck.translate.factory import ModelFactory\n"
        f"f = ModelFactory({TOY!r}, load_registry().decoding, BackendSettings("
        f"kind='ct2', cache=False, cache_dir={str(tmp_path)!r}))\n"
        "assert f('en-toy').translate(['The talks failed.'])[0]\n"
        "print('torch' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_bad_backend_settings_are_refused(tmp_path: Path) -> None:
    from tqcheck.errors import TqcheckError

    dec = load_registry().decoding
    with pytest.raises(TqcheckError, match="unknown backend 'onnx'; use torch or ct2"):
        ModelFactory(TOY, dec, BackendSettings(kind="onnx"))
    with pytest.raises(TqcheckError, match="are for --backend ct2"):
        ModelFactory(TOY, dec, BackendSettings(compute_type="int8"))
    with pytest.raises(TqcheckError, match="unknown compute type 'int3'"):
        ModelFactory(TOY, dec, BackendSettings(kind="ct2", compute_type="int3"))
    import ctranslate2

    if ctranslate2.get_cuda_device_count() == 0:
        with pytest.raises(TqcheckError, match="no CUDA"):
            ModelFactory(TOY, dec, BackendSettings(kind="ct2", device="cuda"))


class Counting:
    pair, model, backend_id = "xx-yy", "counting", "test"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def translate(self, texts, beams=None):
        self.seen += texts
        return [t.upper() for t in texts]

    def count_tokens(self, texts):
        self.seen += texts
        return [len(t) for t in texts]

    def score(self, sources, targets):
        raise AssertionError("not used here")


def test_cache_answers_without_loading_the_model(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "t.sqlite")
    inner = Counting()
    loads: list[int] = []

    def loader():
        loads.append(1)
        return inner

    first = CachedBackend("xx-yy", "m", "torch", "fp|torch|beam:4", loader, cache)
    assert first.translate(["a", "b", "a"]) == ["A", "B", "A"]
    assert inner.seen == ["a", "b"]  # repeated inputs are translated once
    again = CachedBackend("xx-yy", "m", "torch", "fp|torch|beam:4", loader, TranslationCache(
        tmp_path / "t.sqlite"))
    assert again.translate(["b", "a"]) == ["B", "A"]
    assert not again.loaded and len(loads) == 1
    other = CachedBackend("xx-yy", "m", "ct2", "fp|ct2:int8|beam:4", loader, cache)
    other.translate(["a"])
    assert inner.seen == ["a", "b", "a"]  # another engine is another key
    assert (cache.stats.hits, cache.stats.misses) == (0, 4)  # per input, repeats included


def test_another_beam_size_is_cached_apart(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "t.sqlite")
    inner = Counting()
    backend = CachedBackend("xx-yy", "m", "torch", "fp|torch|beam:4", lambda: inner, cache)
    backend.translate(["a"])
    assert backend.translate(["a"], 1) == ["A"] and inner.seen == ["a", "a"]
    backend.translate(["a"], 1)
    assert inner.seen == ["a", "a"]  # (now cached, under its own key)


@pytest.mark.slow
def test_a_calls_beam_size_translates_as_a_decoding_of_that_size(tmp_path: Path) -> None:
    """`translate(texts, beams)` (the cascade's greedy screening) gives what a backend whose
    decoding has that beam size gives, on both engines, sharing the loaded weights."""
    dec = load_registry().decoding
    greedy = dataclasses.replace(dec, num_beams=1)
    for kind in ("torch", "ct2"):
        settings = BackendSettings(kind=kind, cache=False, cache_dir=str(tmp_path))
        default = ModelFactory(TOY, dec, settings)("en-toy")
        one = ModelFactory(TOY, greedy, settings)("en-toy")
        assert default.translate(HELDOUT, 1) == one.translate(HELDOUT)
        assert default.translate(HELDOUT) != one.translate(HELDOUT)  # beam search differs


@pytest.mark.slow
def test_cached_scores_round_trip_exactly(tmp_path: Path) -> None:
    dec = load_registry().decoding
    settings = BackendSettings(cache_dir=str(tmp_path))
    first = ModelFactory(TOY, dec, settings)("toy-en")
    texts = HELDOUT[:3]
    ref = first.score(texts, texts)
    again = ModelFactory(TOY, dec, settings)
    second = again("toy-en")
    assert second.score(texts, texts) == ref and not second.loaded
    assert (again.cache_stats.hits, again.cache_stats.misses) == (3, 0)
