"""Choosing the device a backend runs on, the same way for every engine."""

from __future__ import annotations

from tqcheck.errors import DeviceError


def resolve_device(requested: str, cuda_devices: int, engine: str) -> str:
    """`cpu` or `cuda[:N]` for `requested` (auto, cpu, cuda, cuda:N).

    `auto` takes CUDA when the engine sees a GPU; an explicit CUDA request that it cannot
    serve is an error, never a silent fall back to the CPU.
    """
    if requested == "auto":
        return "cuda" if cuda_devices > 0 else "cpu"
    if requested == "cpu":
        return "cpu"
    if requested == "cuda" or (requested.startswith("cuda:") and requested[5:].isdigit()):
        if cuda_devices == 0:
            raise DeviceError(f"--device {requested} was requested but {engine} sees no "
                              "CUDA GPU")
        index = int(requested[5:] or 0) if ":" in requested else 0
        if index >= cuda_devices:
            raise DeviceError(f"--device {requested}: {engine} sees only {cuda_devices} "
                              "CUDA GPU(s)")
        return requested
    raise DeviceError(f"unknown device {requested!r}; use auto, cpu, cuda or cuda:N")
