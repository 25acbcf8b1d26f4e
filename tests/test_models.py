from __future__ import annotations

import pytest

from tqcheck.config import load_profile
from tqcheck.errors import ConfigError, ModelNotFoundError, UnsupportedPairError
from tqcheck.translate.registry import load_registry, pull, resolve


def test_registry_has_the_required_pairs_and_target_tokens():
    reg = load_registry()
    for lang in ("fr", "de", "es", "ru", "zh", "ar"):
        assert f"en-{lang}" in reg.pairs and f"{lang}-en" in reg.pairs
    assert reg.pairs["en-zh"]["target_token"] == ">>cmn_Hans<<"
    assert reg.pairs["en-ar"]["target_token"] == ">>ara<<"
    assert reg.default_pivots("en") == ["fr", "de"]


def test_models_dir_takes_precedence_over_the_hub(tmp_path):
    (tmp_path / "en-fr").mkdir()
    spec = resolve("en-fr", tmp_path)
    assert spec.local_dir == (tmp_path / "en-fr").resolve()
    assert spec.signature() == f"en-fr={spec.local_dir}"


def test_env_var_models_dir(tmp_path, monkeypatch):
    (tmp_path / "xx-yy").mkdir()
    monkeypatch.setenv("TQCHECK_MODELS_DIR", str(tmp_path))
    assert resolve("xx-yy").local_dir == (tmp_path / "xx-yy").resolve()


def test_hub_spec_when_no_local_dir(tmp_path):
    spec = resolve("en-zh", tmp_path)
    assert spec.local_dir is None
    assert spec.signature() == "en-zh=Helsinki-NLP/opus-mt-en-zh@main"
    assert spec.target_token == ">>cmn_Hans<<"


def test_unknown_pair_lists_configured_pairs():
    with pytest.raises(UnsupportedPairError, match=r"unsupported language pair en-xx.*en-fr"):
        resolve("en-xx")


def test_pull_offline_raises_model_not_found():
    with pytest.raises(ModelNotFoundError, match="tqcheck models pull en-de"):
        pull(resolve("en-de"))


def test_default_profile_loads_and_unknown_profile_is_named():
    prof = load_profile("default")
    assert prof.span("awkward_gap") > 0 and prof.risk_weights["roundtrip_chrf_loss"] > 0
    with pytest.raises(ConfigError, match=r"no profile 'nope'.*default"):
        load_profile("nope")
