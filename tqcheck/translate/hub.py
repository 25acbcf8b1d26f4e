"""Where a resolved model's files are: a local directory, or the Hugging Face cache
(downloaded once by the hub client), and what identifies its weights.

The identity (`fingerprint`) names a hub model by its id and resolved commit and a local
model by a hash of its files, never by a local path: it keys the translation cache and
goes into signatures, which must mean the same on every machine.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tqcheck.errors import ModelNotFoundError, describe
from tqcheck.translate.registry import ModelSpec

# What a Marian model directory needs, and what `pull` downloads: the small files, then one
# weight file (safetensors when the repository has it, else pytorch_model.bin; never both).
METADATA_PATTERNS = ["*.json", "*.spm", "*.txt"]
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json")
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_HASHED_SUFFIXES = (".json", ".spm", ".safetensors", ".bin", ".model")


def model_dir_problem(path: Path) -> str | None:
    """Why `path` cannot be loaded as a Marian model, told before loading it (None: it
    looks complete). Catches a clone made without git-lfs, whose weights are pointers."""
    if not path.is_dir():
        return f"{path} is not a directory"
    pointers = sorted(f.name for f in path.iterdir() if f.is_file()
                      and f.stat().st_size < 1024 and f.read_bytes().startswith(_LFS_POINTER))
    if pointers:
        are = "is a Git LFS pointer file" if len(pointers) == 1 else "are Git LFS pointer files"
        return (f"{', '.join(pointers)} in {path} {are}, not the real file: the model was "
                "cloned without git-lfs")
    if not (path / "config.json").is_file():
        return f"{path} has no config.json"
    if not any((path / w).is_file() for w in WEIGHT_FILES):
        return f"{path} has no weights ({' or '.join(WEIGHT_FILES)})"
    missing = [t for t in TOKENIZER_FILES if not (path / t).is_file()]
    if missing:
        return f"{path} lacks the tokenizer's {', '.join(missing)}"
    return None


def _dir_fix(path: Path, problem: str) -> str:
    if "Git LFS" in problem:
        return f"run `git lfs install && git lfs pull` in {path}"
    return (f"save a complete model there (`model.save_pretrained({str(path)!r})` and the "
            "tokenizer's `save_pretrained`)")


def is_available(spec: ModelSpec) -> bool:
    """True when the model can be loaded without a download."""
    if spec.local_dir is not None:
        return model_dir_problem(spec.local_dir) is None
    from huggingface_hub import try_to_load_from_cache

    hit = try_to_load_from_cache(spec.model_id, "config.json", revision=spec.revision)
    return isinstance(hit, str) and model_dir_problem(Path(hit).parent) is None


def pull(spec: ModelSpec) -> Path:
    """The model's local directory, checked to be complete: downloaded into the Hugging Face
    cache when needed (its metadata, then one weight file).

    With HF_HUB_OFFLINE=1 only the cache is consulted; a miss raises ModelNotFoundError.
    """
    if spec.local_dir is not None:
        problem = model_dir_problem(spec.local_dir)
        if problem:
            raise ModelNotFoundError(spec.pair, spec.model_id, problem,
                                     _dir_fix(spec.local_dir, problem), local=True)
        return spec.local_dir
    from huggingface_hub import snapshot_download

    try:
        path = Path(snapshot_download(spec.model_id, revision=spec.revision,
                                      allow_patterns=[*METADATA_PATTERNS, WEIGHT_FILES[0]]))
        if not (path / WEIGHT_FILES[0]).is_file():  # an older repository: .bin weights only
            path = Path(snapshot_download(spec.model_id, revision=spec.revision,
                                          allow_patterns=[*METADATA_PATTERNS, WEIGHT_FILES[1]]))
    except Exception as exc:  # the hub client raises many types; all mean "not downloaded"
        raise ModelNotFoundError(spec.pair, spec.model_id, _hub_reason(exc)) from exc
    problem = model_dir_problem(path)
    if problem:
        raise ModelNotFoundError(spec.pair, spec.model_id, f"incomplete download: {problem}",
                                 f"run `tqcheck models pull {spec.pair}` again while online")
    return path


def _hub_reason(exc: Exception) -> str:
    """Why the hub client could not provide a model, in its own words (kept whole)."""
    import os

    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return ("not in the Hugging Face cache, and HF_HUB_OFFLINE is set so it cannot be "
                "downloaded")
    return f"not in the cache and not downloadable: {describe(exc)}"


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
