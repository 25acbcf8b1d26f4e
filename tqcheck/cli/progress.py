"""Progress on stderr: a bar for batch scoring (bytes, segments/s, ETA, a line per file)
and a simple one for evaluation passes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tqcheck.inputs.files import InputFile
from tqcheck.types import Problem


class ScoreProgress:
    """A tqcheck.batch.runner.Progress drawn with rich; `quiet` (-q in every command) keeps
    warnings and drops the bar and the per-file lines."""

    def __init__(self, quiet: bool) -> None:
        from rich.console import Console

        self.quiet = quiet
        self.console = Console(stderr=True, highlight=False)
        self.bar: Any = None
        self.task: Any = None
        self.segments = 0  # committed by this invocation
        self.nbytes = 0  # passed: committed or already scored
        self.new_bytes = 0  # committed by this invocation: its rate and ETA
        self.total = 0
        self.t0 = time.perf_counter()

    def __enter__(self) -> ScoreProgress:
        if not self.quiet:
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]scoring"), BarColumn(), DownloadColumn(),
                TextColumn("{task.fields[segments]} segments, {task.fields[rate]}/s"),
                TimeElapsedColumn(), TextColumn("ETA {task.fields[eta]}"),
                console=self.console, transient=True)
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def log(self, message: str) -> None:
        self.console.print(message, markup=False, soft_wrap=True)  # a log line: never wrapped

    def start(self, files: list[InputFile], total_bytes: int) -> None:
        self.t0 = time.perf_counter()
        if not self.quiet:
            self.log(f"tqcheck: {len(files)} files, {total_bytes:,} bytes")
        self.total = total_bytes
        if self.bar is not None:
            self.task = self.bar.add_task("score", total=total_bytes or None, segments=0,
                                          rate="0.0", eta="-:--:--")

    def advance(self, nbytes: int, nsegments: int) -> None:
        self.segments += nsegments
        self.nbytes += nbytes
        self.new_bytes += nbytes
        self._draw(0.0, 0.0)

    def skip(self, nbytes: int) -> None:
        self.nbytes += nbytes
        self._draw(0.0, 0.0)

    def working(self, nbytes: float, nsegments: float) -> None:
        self._draw(nbytes, nsegments)

    def _draw(self, extra_bytes: float, extra_segments: float) -> None:
        """Committed work plus the provisional part of the chunk being checked."""
        if self.bar is None or self.task is None:
            return
        segments, rate, eta = self.rates(extra_bytes, extra_segments)
        self.bar.update(self.task, completed=self.nbytes + extra_bytes,
                        segments=f"{segments:,.0f}", rate=f"{rate:.1f}", eta=eta)

    def rates(self, extra_bytes: float = 0.0, extra_segments: float = 0.0
              ) -> tuple[float, float, str]:
        """(segments this invocation checked, its segments per second, the time left as
        H:MM:SS): from this invocation's own work only, so that input an earlier one
        scored makes neither look fast."""
        elapsed = max(time.perf_counter() - self.t0, 1e-9)
        segments = self.segments + extra_segments
        done = self.new_bytes + extra_bytes
        left = max(0.0, self.total - self.nbytes - extra_bytes)
        if done <= 0:
            return segments, 0.0, "-:--:--"
        seconds = int(left * elapsed / done)
        eta = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        return segments, segments / elapsed, eta

    def file_done(self, path: str, n_segments: int, seconds: float) -> None:
        if not self.quiet:
            self.log(f"done {path}: {n_segments} segments, {seconds:.1f} s")

    def problem(self, problem: Problem) -> None:
        self.log(f"tqcheck: warning: {problem}")


def counting_bar(quiet: bool, total: int, what: str) -> tuple[Any, Callable[[int], None]]:
    """A transient progress bar on stderr; returns (context manager, advance callback)."""
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(disable=quiet, transient=True, console=Console(stderr=True))
    task = bar.add_task(what, total=total)
    return bar, lambda n: bar.advance(task, n)
