"""Where chunks are checked: in this process (`local`), in worker processes on this machine
(`processes`: the model-free checks are pure Python and use one core each) or on Ray
actors (`ray`).

The runner hands an engine chunks of segments in order and gets their results back in the
same order, so that it commits them to the run database one chunk at a time, exactly as
with the local engine: resume, exactly-once and file completion do not depend on the
engine. Ray is imported only by `RayEngine`; it is an optional extra.

On Ray, each actor builds one `Checker` (models loaded once per actor; the translation
cache is shared where the filesystem is) and checks whole chunks. Chunks go out through
Ray's own `ActorPool`, which returns results in submission order; at most
`actors * in_flight_per_actor` chunks are out at a time (backpressure on the reader). A
killed actor is restarted and its chunk retried by Ray (`max_restarts`,
`max_task_retries` in configs/score.toml `[ray]`), not by tqcheck.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tqcheck.check.options import CheckOptions
from tqcheck.config import config_table
from tqcheck.errors import InputError, TqcheckError
from tqcheck.pipeline.checker import Checker
from tqcheck.translate.base import BackendFactory
from tqcheck.types import CheckFailure, Segment, SegmentResult

ENGINES = ("local", "processes", "ray")


@dataclass(frozen=True)
class Checked:
    """One chunk's results, with what the checker that made them says about itself."""

    results: list[SegmentResult]
    signature: str
    seconds: float
    worker: str  # "local", or the Ray actor that checked it
    cache_hits: int = 0  # translation cache lookups of this chunk answered ...
    cache_misses: int = 0  # ... and computed
    failures: list[CheckFailure] = field(default_factory=list)  # checks that raised


def _quiet(_message: str) -> None:
    """An actor's checker says nothing itself: the driver reports each chunk's failures."""


def _worker_checker(options: CheckOptions, factory: BackendFactory | None) -> Checker:
    """The checker of a worker (a process or a Ray actor): quiet, its models loaded once."""
    checker = Checker(options, factory, on_warning=_quiet)
    checker.load_models(with_source=options.src_lang is not None)
    return checker


def _checked(checker: Checker, segments: list[Segment], worker: str,
             on_progress: Callable[[float], None] | None = None) -> Checked:
    """Check one chunk, timing it and counting its cache lookups."""
    def counts() -> tuple[int, int]:  # read now: the factory may keep one live object
        stats = checker.factory.cache_stats if checker.factory is not None else None
        return (stats.hits, stats.misses) if stats is not None else (0, 0)

    hits0, misses0 = counts()
    t0 = time.perf_counter()
    checked = checker.check(segments, on_progress=on_progress) if segments else None
    seconds = time.perf_counter() - t0
    hits1, misses1 = counts()
    return Checked(checked.segments if checked else [], str(checker.signature()), seconds,
                   worker, hits1 - hits0, misses1 - misses0,
                   checked.failures if checked else [])


class Engine(Protocol):
    """Checks chunks; `submit` may return before the chunk is checked, `next` returns the
    results of the oldest submitted chunk (blocking), `pending` counts those not returned."""

    def submit(self, segments: list[Segment],
               on_progress: Callable[[float], None] | None = None) -> None: ...

    def next(self) -> Checked: ...

    @property
    def pending(self) -> int: ...

    @property
    def capacity(self) -> int:
        """Chunks that may be out at once before the runner waits for one."""

    def discard(self) -> None:
        """Forget the chunks not returned (a run that stopped early)."""

    def close(self) -> None: ...


class LocalEngine:
    """The checker in this process: a chunk is checked when its results are asked for."""

    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self._queue: deque[tuple[list[Segment], Callable[[float], None] | None]] = deque()

    def submit(self, segments: list[Segment],
               on_progress: Callable[[float], None] | None = None) -> None:
        self._queue.append((segments, on_progress))

    def next(self) -> Checked:
        segments, on_progress = self._queue.popleft()
        return _checked(self.checker, segments, "local", on_progress)

    @property
    def pending(self) -> int:
        return len(self._queue)

    @property
    def capacity(self) -> int:
        return 0  # check each chunk as soon as it is complete

    def discard(self) -> None:
        self._queue.clear()

    def close(self) -> None:
        self._queue.clear()


_WORKER: Checker | None = None  # a `processes` worker's checker, built once per process


def _start_worker(options: CheckOptions, factory: BackendFactory | None) -> None:
    global _WORKER  # (one checker per worker process, by design)
    _WORKER = _worker_checker(options, factory)


def _check_in_worker(segments: list[Segment]) -> Checked:
    import os

    assert _WORKER is not None, "the worker was not started"
    return _checked(_WORKER, segments, f"process {os.getpid()}")


class ProcessEngine:
    """Chunks checked by worker processes on this machine, results in submission order.
    Each worker builds one checker (its resources, and models if any, loaded once); they
    are started with `spawn`, so no thread or model state of this process is copied."""

    def __init__(self, check: CheckOptions, workers: int,
                 factory: BackendFactory | None = None) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if workers < 1:
            raise InputError("--workers must be at least 1")
        if check.backend.threads == 0:  # the cores are shared out, not each taken whole
            check = _with_backend(check, threads=1)
        self.workers = workers
        self._pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"),
                                         initializer=_start_worker,
                                         initargs=(check, factory))
        self._futures: deque[Any] = deque()

    def submit(self, segments: list[Segment],
               on_progress: Callable[[float], None] | None = None) -> None:
        self._futures.append(self._pool.submit(_check_in_worker, segments))

    def next(self) -> Checked:
        from concurrent.futures.process import BrokenProcessPool

        future = self._futures.popleft()
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise InputError(f"a worker process died: {exc}") from None

    @property
    def pending(self) -> int:
        return len(self._futures)

    @property
    def capacity(self) -> int:
        return 2 * self.workers  # each worker busy with one chunk and one queued

    def discard(self) -> None:
        for future in self._futures:
            future.cancel()
        self._futures.clear()

    def close(self) -> None:
        self.discard()
        self._pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class RaySettings:
    """`[ray]` of configs/score.toml: fault tolerance and backpressure of the Ray engine."""

    max_restarts: int  # times Ray restarts a dead actor (-1: without end)
    max_task_retries: int  # times Ray retries a chunk whose actor died (-1: without end)
    in_flight_per_actor: int  # chunks queued per actor (more hides latency, costs memory)
    object_store_mb: int  # object store of a cluster started for one run (0: Ray's default)


def ray_settings() -> RaySettings:
    return config_table(RaySettings, "score.toml", "ray")


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide the Ray engine runs (`tqcheck score --engine ray ...`)."""

    address: str | None = None  # None: a local cluster for this run; "auto"; "ray://..."
    actors: int = 2
    actor_cpus: float = 1.0  # CPUs per actor (also its torch/ct2 threads, rounded up)
    actor_gpus: float = 0.0


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InputError("--engine ray needs Ray: pip install 'tqcheck[ray]' (or "
                         "pip install 'ray[data]')") from None
    return ray


class _CheckActor:
    """One checker per actor: models are loaded once, when the actor starts."""

    def __init__(self, options: CheckOptions, factory: BackendFactory | None) -> None:
        import os

        self.checker = _worker_checker(options, factory)
        self.name = f"actor pid {os.getpid()}"

    def check(self, segments: list[Segment]) -> Checked:
        return _checked(self.checker, segments, self.name)


class RayEngine:
    """Chunks checked by a pool of Ray actors, results in submission order."""

    def __init__(self, check: CheckOptions, options: RayOptions,
                 factory: BackendFactory | None = None,
                 settings: RaySettings | None = None) -> None:
        ray = import_ray()
        from ray.util import ActorPool

        self.settings = settings or ray_settings()
        if options.actors < 1:
            raise InputError("--actors must be at least 1")
        self._started_here = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"address": options.address, "include_dashboard": False,
                                      "log_to_driver": False}
            if options.address is None and self.settings.object_store_mb:
                kwargs["object_store_memory"] = self.settings.object_store_mb * 2**20
            try:
                ray.init(**kwargs)
            except ConnectionError as exc:
                raise InputError(f"cannot reach the Ray cluster at {options.address}: "
                                 f"{exc}") from None
            self._started_here = True
        threads = max(1, int(-(-options.actor_cpus // 1)))  # what the actor may use
        if check.backend.device == "auto" and not options.actor_gpus:
            check = _with_backend(check, device="cpu", threads=threads)
        else:
            check = _with_backend(check, threads=threads)
        remote = ray.remote(num_cpus=options.actor_cpus, num_gpus=options.actor_gpus,
                            max_restarts=self.settings.max_restarts,
                            max_task_retries=self.settings.max_task_retries)(_CheckActor)
        self._ray = ray
        self.actors = [remote.remote(check, factory) for _ in range(options.actors)]
        self._pool = ActorPool(self.actors)
        self._pending = 0

    def submit(self, segments: list[Segment],
               on_progress: Callable[[float], None] | None = None) -> None:
        self._pool.submit(lambda actor, segs: actor.check.remote(segs), segments)
        self._pending += 1

    def next(self) -> Checked:
        errors = self._ray.exceptions
        try:
            out: Checked = self._pool.get_next()
        except errors.RayActorError as exc:
            raise InputError(f"a Ray actor failed beyond its restarts: {exc}") from None
        except errors.RayTaskError as exc:  # the checker raised: say what it said
            cause = getattr(exc, "cause", None)
            if isinstance(cause, TqcheckError):
                raise cause from None
            raise InputError(f"a Ray actor failed while checking a chunk: {exc}") from None
        self._pending -= 1
        return out

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def capacity(self) -> int:
        return len(self.actors) * self.settings.in_flight_per_actor

    def discard(self) -> None:
        while self._pending:
            try:
                self.next()
            except InputError:
                break

    def close(self) -> None:
        for actor in self.actors:
            self._ray.kill(actor)
        if self._started_here:
            self._ray.shutdown()


def _with_backend(check: CheckOptions, **changes: Any) -> CheckOptions:
    from dataclasses import replace

    return replace(check, backend=replace(check.backend, **changes))


def results_in_order(engine: Engine, chunks: Sequence[list[Segment]]) -> list[Checked]:
    """Check `chunks` through `engine` and return their results in order (for tests and
    benchmarks; the runner interleaves submitting and committing instead)."""
    out: list[Checked] = []
    for chunk in chunks:
        engine.submit(chunk)
        while engine.pending > engine.capacity:
            out.append(engine.next())
    while engine.pending:
        out.append(engine.next())
    return out
