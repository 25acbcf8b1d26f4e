"""Where a resolved model's files are: a local directory, or the Hugging Face cache
(downloaded once by the hub client), and what identifies its weights.

The identity (`fingerprint`) names a hub model by its id and resolved commit and a local
model by a hash of its files, never by a local path: it keys the translation cache and
goes into signatures, which must mean the same on every machine.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tqcheck.errors import ModelNotFoundError
from tqcheck.translate.registry import ModelSpec

WEIGHT_PATTERNS = ["*.json", "*.spm", "*.safetensors", "pytorch_model.bin", "*.txt"]
_HASHED_SUFFIXES = (".json", ".spm", ".safetensors", ".bin", ".model")


def is_available(spec: ModelSpec) -> bool:
    """True when the model can be loaded without a download."""
    if spec.local_dir is not None:
        return (spec.local_dir / "config.json").is_file()
    from huggingface_hub import try_to_load_from_cache

    hit = try_to_load_from_cache(spec.model_id, "config.json", revision=spec.revision)
    return isinstance(hit, str)


def pull(spec: ModelSpec) -> Path:
    """The model's local directory: downloaded into the Hugging Face cache when needed.

    With HF_HUB_OFFLINE=1 only the cache is consulted; a miss raises ModelNotFoundError.
    """
    if spec.local_dir is not None:
        return spec.local_dir
    from huggingface_hub import snapshot_download

    try:
        path = snapshot_download(spec.model_id, revision=spec.revision,
                                 allow_patterns=WEIGHT_PATTERNS)
    except Exception as exc:  # the hub client raises many types; all mean "not downloaded"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelNotFoundError(spec.pair, spec.model_id, f"not in the cache and not "
                                 f"downloadable: {first[:200]}") from exc
    return Path(path)


def fingerprint(spec: ModelSpec, path: Path) -> str:
    """What identifies the weights: hub id + commit, or a content hash of a local model."""
    if spec.local_dir is not None:
        return fingerprint_dir(path)
    commit = path.name if path.parent.name == "snapshots" else (spec.revision or "main")
    return f"{spec.model_id}@{commit}"


def fingerprint_dir(path: Path) -> str:
    """A content hash of a local model directory (weights, vocabularies, config)."""
    h = hashlib.sha256()
    for f in sorted(p for p in path.iterdir() if p.is_file()):
        if f.suffix in _HASHED_SUFFIXES:
            h.update(f.name.encode() + b"\0")
            with f.open("rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    h.update(block)
    return "sha256:" + h.hexdigest()[:16]
