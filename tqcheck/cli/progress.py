"""Progress on stderr: a bar for batch scoring (bytes, segments/s, ETA, a line per file)
and a simple one for evaluation passes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tqcheck.inputs.files import InputFile
from tqcheck.types import Problem


class ScoreProgress:
    """A tqcheck.batch.runner.Progress drawn with rich; `quiet` keeps only the log lines."""

    def __init__(self, quiet: bool) -> None:
        from rich.console import Console

        self.quiet = quiet
        self.console = Console(stderr=True, highlight=False)
        self.bar: Any = None
        self.task: Any = None
        self.segments = 0
        self.t0 = time.perf_counter()

    def __enter__(self) -> ScoreProgress:
        if not self.quiet:
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]scoring"), BarColumn(), DownloadColumn(),
                TextColumn("{task.fields[segments]} segments, {task.fields[rate]}/s"),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=self.console, transient=True)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def log(self, message: str) -> None:
        self.console.print(message, markup=False)

    def start(self, files: list[InputFile], total_bytes: int) -> None:
        self.t0 = time.perf_counter()
        self.log(f"tqcheck: {len(files)} files, {total_bytes:,} bytes")
        if self.bar is not None:
            self.task = self.bar.add_task("score", total=total_bytes or None, segments=0,
                                          rate="0.0")

    def advance(self, nbytes: int, nsegments: int) -> None:
        self.segments += nsegments
        if self.bar is not None and self.task is not None:
            rate = self.segments / max(time.perf_counter() - self.t0, 1e-9)
            self.bar.update(self.task, advance=nbytes, segments=self.segments,
                            rate=f"{rate:.1f}")

    def file_done(self, path: str, n_segments: int, seconds: float) -> None:
        self.log(f"done {path}: {n_segments} segments, {seconds:.1f} s")

    def problem(self, problem: Problem) -> None:
        self.log(f"warning: {problem}")


def counting_bar(quiet: bool, total: int, what: str) -> tuple[Any, Callable[[int], None]]:
    """A transient progress bar on stderr; returns (context manager, advance callback)."""
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(disable=quiet, transient=True, console=Console(stderr=True))
    task = bar.add_task(what, total=total)
    return bar, lambda n: bar.advance(task, n)
