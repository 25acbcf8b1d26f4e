"""The real transformers path on tiny random Marian models: load, translate, score."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from tqcheck.errors import DeviceError, ModelNotFoundError
from tqcheck.translate.backends.hf import HFMarianBackend, pick_device
from tqcheck.translate.base import length_batches, piece_offsets
from tqcheck.translate.registry import load_registry, resolve

DECODING = replace(load_registry().decoding, num_beams=2, max_new_tokens=12)


def load(models_dir, pair: str) -> HFMarianBackend:
    spec = resolve(pair, models_dir)
    return HFMarianBackend(spec, spec.local_dir, "test", DECODING, device="cpu")


@pytest.fixture(scope="module")
def en_fr(tiny_models_dir):
    return load(tiny_models_dir, "en-fr")


def test_translate_keeps_order_and_count(en_fr):
    texts = ["Putin wants land.", "The Kremlin spokesman told reporters today (Monday).", "Hi"]
    out = en_fr.translate(texts)
    assert len(out) == 3 and all(isinstance(t, str) for t in out)
    # Batched and one by one give the same translations (order restored after sorting).
    assert [en_fr.translate([t])[0] for t in texts] == out


def test_score_gives_one_logprob_per_target_token(en_fr):
    src = ["Putin wants land.", "Kyiv does not agree."]
    tgt = ["Le Kremlin a confirmé.", "Kiev reste hors de l'OTAN."]
    scores = en_fr.score(src, tgt)
    assert len(scores) == 2
    for s, t in zip(scores, tgt, strict=True):
        assert s.tokens[-1] == "</s>"
        assert len(s.tokens) == len(s.logprobs) == len(s.best_logprobs) == len(s.offsets)
        assert all(lp <= 0 for lp in s.logprobs)
        assert all(b >= a - 1e-5 for a, b in zip(s.logprobs, s.best_logprobs, strict=True))
        assert all(0 <= a <= b <= len(t) for a, b in s.offsets)
        assert not math.isnan(s.mean_logprob)


def test_count_tokens_counts_eos(en_fr):
    assert en_fr.count_tokens(["Putin"])[0] >= 2


def test_missing_local_model_directory_is_a_clear_error(tmp_path):
    (tmp_path / "en-fr").mkdir()
    with pytest.raises(ModelNotFoundError, match="model for en-fr is not available"):
        load(tmp_path, "en-fr")


def test_requested_cuda_without_gpu_is_an_error():
    import torch

    if torch.cuda.is_available():
        assert pick_device("cuda") == "cuda"
    else:
        with pytest.raises(DeviceError, match="no CUDA GPU"):
            pick_device("cuda")
    with pytest.raises(DeviceError, match="unknown device 'tpu'"):
        pick_device("tpu")


def test_length_batches_respect_the_token_budget():
    lengths = [5, 50, 7, 48, 6, 3]
    batches = length_batches(lengths, batch_tokens=100)
    assert sorted(i for b in batches for i in b) == list(range(6))
    for b in batches:
        assert max(lengths[i] for i in b) * len(b) <= 100 or len(b) == 1
    assert batches[0] == [1, 3]  # the two longest together


def test_piece_offsets_follow_the_text():
    pieces = ["▁Put", "in", "▁wants", "▁land", ".", "</s>"]
    assert piece_offsets(pieces, "Putin wants land.") == [
        (0, 3), (3, 5), (6, 11), (12, 16), (16, 17), (17, 17)]
