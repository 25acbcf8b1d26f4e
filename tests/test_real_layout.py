"""Model directories as users meet them: the real tokenizers and configs of opus-mt-en-mg and
opus-mt-tc-big-fr-en (fixtures/opus-mt) with random weights of the real shape; clones made
without git-lfs; incomplete downloads; several models missing at once."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tqcheck.check.options import CheckOptions
from tqcheck.cli import app
from tqcheck.errors import ModelNotFoundError, ModelsMissingError, describe
from tqcheck.pipeline.checker import Checker
from tqcheck.testing.marian import build_random_pair, build_real_layout
from tqcheck.translate import hub
from tqcheck.translate.base import BackendSettings
from tqcheck.translate.factory import ModelFactory
from tqcheck.translate.registry import ModelSpec, load_registry, resolve

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "opus-mt"
SHORT = replace(load_registry().decoding, num_beams=1, max_new_tokens=6)


def _layout_without_weights(out: Path) -> Path:
    """en-mg's real files, no weights (cheap: for the checks that happen before loading)."""
    out.mkdir(parents=True)
    for f in (FILES / "opus-mt-en-mg").iterdir():
        if f.name != "README.md":
            shutil.copyfile(f, out / f.name)
    return out


@pytest.mark.slow
def test_real_layouts_load_in_float32_and_run(tmp_path: Path) -> None:
    build_real_layout(FILES / "opus-mt-en-mg", tmp_path / "en-mg")
    build_real_layout(FILES / "opus-mt-tc-big-fr-en", tmp_path / "fr-en", dtype="float16")
    factory = ModelFactory(str(tmp_path), SHORT, BackendSettings(device="cpu", cache=False))
    for pair, text, target in [("en-mg", "The minister met the envoy.", "Nihaona izy."),
                               ("fr-en", "Le ministre a rencontré l'envoyé.",
                                "The minister met the envoy.")]:
        backend = factory(pair)
        assert backend.backend_id == "torch/float32"
        # tc-big's config names float16: loaded as float32 all the same, on the CPU
        assert {p.dtype for p in backend.net.parameters()} == {__import__("torch").float32}
        (out,) = backend.translate([text])
        assert isinstance(out, str)
        (scores,) = backend.score([text], [target])
        assert scores.tokens[-1] == "</s>" and len(scores.logprobs) == len(scores.tokens)
        assert all(lp <= 0 for lp in scores.logprobs)
        assert backend.count_tokens([text])[0] > 3
        assert backend.model.startswith("sha256:")


def test_float16_config_does_not_round_float32_weights(tmp_path: Path) -> None:
    """A float32 checkpoint whose config says float16 loads without rounding: the results
    must not depend on how a transformers version reads `torch_dtype`."""
    import json

    import torch
    from safetensors.torch import load_file

    d = build_random_pair(tmp_path / "en-xx", ["a small text to train on"] * 20, "en", "xx",
                          vocab_size=40)
    cfg = json.loads((d / "config.json").read_text())
    (d / "config.json").write_text(json.dumps({**cfg, "torch_dtype": "float16",
                                               "dtype": "float16"}))
    backend = ModelFactory(str(tmp_path), SHORT, BackendSettings(device="cpu", cache=False))(
        "en-xx")
    saved = load_file(str(d / "model.safetensors"))
    loaded = dict(backend.net.named_parameters())
    name = next(n for n in saved if n in loaded and saved[n].dtype == torch.float32
                and saved[n].numel() > 100)
    assert torch.equal(loaded[name].detach(), saved[name])


def test_git_lfs_pointers_are_found_before_loading(tmp_path: Path) -> None:
    d = _layout_without_weights(tmp_path / "en-mg")
    (d / "model.safetensors").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:1f0e\nsize 298000000\n")
    spec = resolve("en-mg", tmp_path)
    assert not hub.is_available(spec)
    with pytest.raises(ModelNotFoundError, match="git lfs pull") as err:
        hub.pull(spec)
    assert "model.safetensors" in str(err.value) and "weights only" not in str(err.value)
    listed = CliRunner().invoke(app, ["models", "list", "--models-dir", str(tmp_path)])
    assert "en-mg\tunusable (model.safetensors" in listed.output
    (d / "model.safetensors").unlink()
    with pytest.raises(ModelNotFoundError, match="has no weights"):
        hub.pull(resolve("en-mg", tmp_path))
    (d / "source.spm").unlink()
    (d / "model.safetensors").write_bytes(b"x" * 2048)
    with pytest.raises(ModelNotFoundError, match=r"lacks the tokenizer's source\.spm"):
        hub.pull(resolve("en-mg", tmp_path))


def test_every_missing_model_is_named_at_once(tmp_path: Path) -> None:
    d = _layout_without_weights(tmp_path / "en-fr")
    (d / "pytorch_model.bin").write_text("version https://git-lfs.github.com/spec/v1\n")
    opts = CheckOptions(lang="en", pivots=("fr", "de"), models_dir=str(tmp_path),
                        backend=BackendSettings(cache=False))
    with pytest.raises(ModelsMissingError) as err:
        Checker(opts).load_models(with_source=False)
    text = str(err.value)
    assert [m.pair for m in err.value.missing] == ["en-fr", "fr-en", "en-de", "de-en"]
    assert "git lfs pull" in text and "--model-free" in text
    assert "tqcheck models pull fr-en en-de de-en" in text  # the local one needs no download
    res = CliRunner().invoke(app, ["check", str(FILES / "README.md"), "-p", "fr", "-p", "de",
                                   "--models-dir", str(tmp_path), "-q"])
    assert res.exit_code == 2 and "4 models of this run are not available" in res.output
    assert "Traceback" not in res.output


def test_pull_downloads_safetensors_or_bin_never_both(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake_download(repo: str, revision: str | None, allow_patterns: list[str]) -> str:
        calls.append(allow_patterns)
        snap = tmp_path / repo.replace("/", "--")
        if not snap.exists():
            _layout_without_weights(snap)
        if "model.safetensors" in allow_patterns and repo.endswith("new"):
            (snap / "model.safetensors").write_bytes(b"w" * 2048)
        if "pytorch_model.bin" in allow_patterns:
            (snap / "pytorch_model.bin").write_bytes(b"w" * 2048)
        return str(snap)

    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_download)
    new = hub.pull(ModelSpec(pair="en-mg", model_id="org/new"))
    assert len(calls) == 1 and "pytorch_model.bin" not in calls[0]
    assert (new / "model.safetensors").exists() and not (new / "pytorch_model.bin").exists()
    calls.clear()
    old = hub.pull(ModelSpec(pair="en-mg", model_id="org/old"))
    assert [("model.safetensors" in c, "pytorch_model.bin" in c) for c in calls] == [
        (True, False), (False, True)]
    assert (old / "pytorch_model.bin").exists()


def test_hub_errors_are_kept_readable() -> None:
    advice = ("Cannot find an appropriate cached snapshot folder for the specified revision "
              "on the local disk and outgoing traffic has been disabled. To enable repo "
              "look-ups and downloads online, set 'HF_HUB_OFFLINE=0' as environment variable.")
    assert describe(RuntimeError(advice)) == advice  # whole, where it used to be cut at 200
    long = describe(RuntimeError("word " * 300), limit=50)
    assert long.endswith(" …") and long[:-2].split() == ["word"] * len(long[:-2].split())
