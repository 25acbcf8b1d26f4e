from __future__ import annotations

import pytest

from tqcheck.check.profile import load_profile
from tqcheck.errors import ConfigError, ModelNotFoundError, UnsupportedPairError
from tqcheck.translate.hub import fingerprint, pull
from tqcheck.translate.registry import load_registry, resolve


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
    (tmp_path / "en-fr" / "config.json").write_text("{}")
    # A local model is named by its content, never by where it lies on this machine.
    fp = fingerprint(spec, spec.local_dir)
    assert fp.startswith("sha256:") and str(tmp_path) not in fp


def test_env_var_models_dir(tmp_path, monkeypatch):
    (tmp_path / "xx-yy").mkdir()
    monkeypatch.setenv("TQCHECK_MODELS_DIR", str(tmp_path))
    assert resolve("xx-yy").local_dir == (tmp_path / "xx-yy").resolve()


def test_hub_spec_when_no_local_dir(tmp_path):
    spec = resolve("en-zh", tmp_path)
    assert spec.local_dir is None
    assert spec.target_token == ">>cmn_Hans<<"
    snapshot = tmp_path / "snapshots" / "0123abcd"
    assert fingerprint(spec, snapshot) == "Helsinki-NLP/opus-mt-en-zh@0123abcd"


def test_unknown_pair_lists_configured_pairs():
    with pytest.raises(UnsupportedPairError, match=r"unsupported language pair en-xx.*en-fr"):
        resolve("en-xx")


def test_pull_offline_raises_model_not_found():
    with pytest.raises(ModelNotFoundError, match="tqcheck models pull en-de"):
        pull(resolve("en-de"))


def test_default_profile_loads_and_unknown_profile_is_named():
    prof = load_profile("default")
    assert prof.spans.awkward_gap > 0 and prof.risk.weights["roundtrip_chrf_loss"] > 0
    with pytest.raises(ConfigError, match=r"no profile 'nope'.*default"):
        load_profile("nope")
