"""Batch scoring of a corpus into a run database: streamed, chunked, resumable.

The corpus is read file by file (`tqcheck.inputs`), cut into chunks of segments that are
checked together (so batching and deduplication work across small files), and each chunk
is committed in one transaction (`tqcheck.run.rundb`). Rerunning the same command with
the same database skips whatever was committed, after checking that the input still says
the same.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tqcheck.batch.engine import (
    ENGINES,
    Checked,
    Engine,
    LocalEngine,
    ProcessEngine,
    RayEngine,
    RayOptions,
)
from tqcheck.check.options import CheckOptions
from tqcheck.config import config_table
from tqcheck.errors import InputError
from tqcheck.inputs.files import AUTO, InputFile, discover, file_digest
from tqcheck.inputs.reader import Item, ReadOptions, input_settings, read_items
from tqcheck.output.parquet import ParquetSink
from tqcheck.pipeline.checker import Checker
from tqcheck.run.rundb import RunDB
from tqcheck.text.langid import SourceLanguage
from tqcheck.translate.base import BackendFactory
from tqcheck.types import Problem

VERIFY_BATCH = 512  # stored segments compared with the input per query when resuming


@dataclass(frozen=True)
class ScoreSettings:
    """`[score]` of configs/score.toml."""

    chunk_segments: int  # segments checked (and committed) together
    first_chunk_segments: int  # ... in the first chunk of an invocation: soon committed


def score_settings() -> ScoreSettings:
    return config_table(ScoreSettings, "score.toml", "score")


@dataclass(frozen=True)
class ScoreOptions:
    check: CheckOptions = field(default_factory=CheckOptions)
    fmt: str = AUTO
    glob: str | None = None
    source: str | None = None  # line-aligned original(s) of plain-text inputs
    chunk_segments: int | None = None  # default from configs/score.toml
    engine: str = "local"  # "local" (this process), "processes" or "ray"; results the same
    workers: int | None = None  # --engine processes: worker processes (None: the cores)
    ray: RayOptions = field(default_factory=RayOptions)
    parquet: str | None = None  # also write the per-segment rows as Parquet into this folder

    def record(self, backend_id: str, rules: dict[str, str],
               models: dict[str, str]) -> dict[str, Any]:
        """The settings a resumed run must share (those that change results); `rules`: the
        rules' signature fields (dialect, dictionary, checklists); `models`: each pair's
        weights (hub id and commit, or a content hash of a local model)."""
        c = self.check
        return {
            "lang": c.lang, "src_lang": c.src_lang, "pivots": list(c.pivots),
            "profile": c.profile, "model_free": c.model_free, "language_id": c.language_id,
            "similarity": c.similarity, "engine": "none" if c.model_free else backend_id,
            "rules": rules, "models": models,
        } | ({"budget": str(c.budget)} if c.budget is not None else {}) | (
            {"beams": c.beams} if c.beams is not None else {})


class Progress(Protocol):
    """What a front end hears about a run (the CLI draws a progress bar from it)."""

    def start(self, files: list[InputFile], total_bytes: int) -> None: ...

    def advance(self, nbytes: int, nsegments: int) -> None: ...

    def skip(self, nbytes: int) -> None:
        """Input already scored by an earlier invocation: passed over, not this run's work
        (its rate and ETA leave it out)."""

    def working(self, nbytes: float, nsegments: float) -> None:
        """Work done so far on the chunk being checked (after each slice of each pass of
        the models over it), provisional until the chunk's `advance`."""

    def file_done(self, path: str, n_segments: int, seconds: float) -> None: ...

    def problem(self, problem: Problem) -> None: ...


class QuietProgress:
    """A Progress that shows nothing."""

    def start(self, files: list[InputFile], total_bytes: int) -> None: ...

    def advance(self, nbytes: int, nsegments: int) -> None: ...

    def skip(self, nbytes: int) -> None: ...

    def working(self, nbytes: float, nsegments: float) -> None: ...

    def file_done(self, path: str, n_segments: int, seconds: float) -> None: ...

    def problem(self, problem: Problem) -> None: ...


@dataclass
class RunStats:
    """What one invocation did (the database holds the cumulative picture)."""

    database: str
    files: int = 0
    files_skipped_done: int = 0
    segments_scored: int = 0
    segments_resumed: int = 0  # already in the database: skipped, not recomputed
    problems: int = 0
    seconds: float = 0.0
    cache_hits: int = 0
    cache_misses: int = 0
    signature: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Chunk:
    """A chunk on its way through the engine: what to commit with its results."""

    items: list[tuple[int, Item]]
    finished: list[int]  # files whose last segment is in this chunk or an earlier one
    sizes: dict[int, int]


class _Run:
    """The state of one invocation: pending items, per-file byte positions, finished files;
    chunks out in the engine, committed in the order they were read."""

    def __init__(self, db: RunDB, engine: Engine, progress: Progress, chunk: int,
                 stats: RunStats, sink: ParquetSink | None = None,
                 log: Callable[[str], None] | None = None,
                 source_language: Callable[[], SourceLanguage | None] = lambda: None) -> None:
        self.db, self.engine, self.progress, self.chunk, self.stats = (
            db, engine, progress, chunk, stats)
        self.sink, self.log = sink, log
        self.source_language = source_language  # a new check of each file's sources
        self.buffer: list[tuple[int, Item]] = []
        self.finished: list[int] = []  # file ids whose last segment is buffered or stored
        self.reported_bytes: dict[int, int] = {}
        self.sizes: dict[int, int] = {}
        self.out: deque[_Chunk] = deque()
        self.warned: set[str] = set()  # checks whose failure was shown
        self.chunks = 0  # sent to the engine
        self.first_chunk = min(chunk, score_settings().first_chunk_segments)

    def add(self, file_id: int, item: Item) -> None:
        self.buffer.append((file_id, item))
        # The first chunk is small, so that the first results are committed (and kept on
        # Ctrl-C) and the rate known soon; then chunks of full size.
        if len(self.buffer) >= (self.chunk if self.chunks else self.first_chunk):
            self.flush()

    def skip(self, file_id: int, item: Item) -> None:
        """An item stored by an earlier invocation: only the progress moves."""
        self.progress.skip(self._move(file_id, item.byte_end))

    def _move(self, file_id: int, byte_end: int) -> int:
        moved = max(0, byte_end - self.reported_bytes.get(file_id, 0))
        self.reported_bytes[file_id] = max(byte_end, self.reported_bytes.get(file_id, 0))
        return moved

    def flush(self) -> None:
        """Send the buffered items to the engine as one chunk; commit the chunks it has
        done beyond its capacity."""
        if not self.buffer and not self.finished:
            return
        chunk = _Chunk(self.buffer, self.finished, dict(self.sizes))
        segments = [item.segment for _, item in chunk.items]
        ends: dict[int, int] = {}
        for fid, it in chunk.items:
            ends[fid] = max(ends.get(fid, 0), it.byte_end)
        ahead = sum(max(0, end - self.reported_bytes.get(fid, 0)) for fid, end in ends.items())

        def working(fraction: float) -> None:
            self.progress.working(fraction * ahead, fraction * len(segments))

        self.engine.submit(segments, working)
        self.chunks += 1
        self.out.append(chunk)
        self.buffer, self.finished = [], []
        while self.engine.pending > self.engine.capacity:
            self._commit()

    def drain(self) -> None:
        """Commit every chunk still out (the end of the run)."""
        self.flush()
        while self.out:
            self._commit()

    def _failures(self, chunk: _Chunk, done: Checked) -> None:
        """A check that raised on a segment: a problem of the run (file and line), shown
        once per check; the segment was scored by the others (its notes say which)."""
        for f in done.failures:
            fid = chunk.items[f.index][0]
            path = self.db.file_progress(fid).path
            problem = Problem(path, f.line, f"check {f.check} failed ({f.message}); the "
                              "segment was scored without it")
            self.db.add_problem(problem)
            self.stats.problems += 1
            if f.check not in self.warned:
                self.warned.add(f.check)
                self.progress.problem(problem)

    def _commit(self) -> None:
        chunk, done = self.out.popleft(), self.engine.next()
        rows = [(fid, it.ordinal, it.doc, it.seg_id, r)
                for (fid, it), r in zip(chunk.items, done.results, strict=True)]
        if self.sink is not None and rows:
            self.sink.write(rows, self.db, done.signature)  # before the commit: ParquetSink
        self.db.write_chunk(rows, done.seconds, chunk.finished, done.signature)
        self._failures(chunk, done)
        nbytes = sum(self._move(fid, it.byte_end) for fid, it in chunk.items)
        nbytes += sum(self._move(fid, chunk.sizes.get(fid, 0)) for fid in chunk.finished)
        self.stats.segments_scored += len(rows)
        self.stats.cache_hits += done.cache_hits
        self.stats.cache_misses += done.cache_misses
        self.progress.advance(nbytes, len(rows))
        if self.log is not None and rows:
            self.log(f"{len(rows)} segments checked by {done.worker} in {done.seconds:.1f}s")
        for fid in chunk.finished:
            done_file = self.db.file_progress(fid)
            self.progress.file_done(done_file.path, done_file.n_segments, done_file.seconds)


def score_corpus(inputs: list[str], db_path: str | Path, options: ScoreOptions,
                 progress: Progress | None = None,
                 factory: BackendFactory | None = None,
                 log: Callable[[str], None] | None = None,
                 engine: Engine | None = None) -> RunStats:
    """Score every segment of `inputs` into the run database `db_path` (resuming it);
    `log` hears each chunk's worker and time. `engine`: one already started (a warm Ray
    pool, kept open for the next call); else `options.engine` is started and closed."""
    chunk = options.chunk_segments or score_settings().chunk_segments
    check = options.check
    if options.source and not check.src_lang:
        raise InputError("--source needs --src-lang (the language of the source text)")
    db_path = Path(db_path)
    skipped: list[Problem] = []
    files = discover(inputs, options.glob, options.fmt, options.source,
                     exclude=run_files(db_path), skipped=skipped)
    if not files:
        raise InputError(f"no input files found in {', '.join(inputs)}"
                         + (f" matching {options.glob!r}" if options.glob else ""))
    if options.engine not in ENGINES:
        raise InputError(f"unknown engine {options.engine!r}; use {', '.join(ENGINES)}")
    progress = progress or QuietProgress()
    # (a check's failure is reported with the chunk it happened in: see _Run._commit)
    checker = Checker(check, factory, on_warning=lambda _message: None)
    # ... and the checker checks the settings before the database is touched
    checker.load_models(with_source=check.src_lang is not None)  # every model, found first
    with run_lock(db_path):
        given = engine is not None
        if engine is None:
            if options.engine == "ray":
                engine = RayEngine(check, options.ray, factory)
            elif options.engine == "processes":
                engine = ProcessEngine(check, options.workers or os.cpu_count() or 1, factory)
            else:
                engine = LocalEngine(checker)
        try:
            return _score_into(db_path, files, skipped, options, checker, progress, chunk,
                               engine, log)
        finally:
            if given:
                engine.discard()  # an aborted run's chunks are not the next caller's
            else:
                engine.close()


def run_files(db_path: Path) -> set[str]:
    """The files a run database consists of (never inputs, even in an input directory)."""
    return {os.path.realpath(f"{db_path}{suffix}")
            for suffix in ("", "-wal", "-shm", "-journal", ".lock")}


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """One `score` at a time per run database: a second is refused, clearly."""
    from filelock import FileLock, Timeout

    if not db_path.parent.exists():
        db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(f"{db_path}.lock", timeout=0)
    try:
        lock.acquire()
    except Timeout:
        _lock_file_usable(Path(f"{db_path}.lock"))  # a place where none can be made, else:
        raise InputError(f"{db_path}: another `tqcheck score` is writing to this run "
                         "database; wait until it ends, or score into another --db") from None
    try:
        yield
    finally:
        lock.release()


def _lock_file_usable(path: Path) -> None:
    """Raise what stops the lock file from being made or opened (a read-only place, no
    permission), which the lock library reports as a lock held by someone else."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(f"{path}: cannot make the run's lock file here "
                         f"({exc.strerror or exc}); score into a --db in a writable "
                         "directory") from None
    os.close(fd)


def _score_into(db_path: Path, files: list[InputFile], skipped: list[Problem],
                options: ScoreOptions, checker: Checker, progress: Progress,
                chunk: int, engine: Engine, log: Callable[[str], None] | None) -> RunStats:
    check = options.check
    db = RunDB(db_path)
    stats = RunStats(database=str(db_path), problems=len(skipped))
    t_start = time.perf_counter()
    try:
        backend_id = checker.factory.backend_id if checker.factory is not None else "none"
        db.bind_settings(options.record(backend_id, checker.check_signature(),
                                        checker.models()))
        db.record_risk_bands(checker.profile.risk.bands)
        for problem in skipped:
            db.add_problem(problem)
            progress.problem(problem)
        reading = ReadOptions(check.lang, check.src_lang, input_settings())
        progress.start(files, sum(f.size for f in files))
        sink = ParquetSink(Path(options.parquet), db) if options.parquet else None
        run = _Run(db, engine, progress, chunk, stats, sink, log, checker.source_language)
        for f in files:
            _score_file(f, reading, run)
        run.drain()
    finally:
        stats.seconds = time.perf_counter() - t_start
        stats.signature = db.meta("signature")
        db.close()
    return stats


def _source_mismatch(f: InputFile, sources: SourceLanguage,
                     report: Callable[[Problem], None]) -> None:
    mismatch = sources.mismatch()
    if mismatch:
        report(Problem(f.path, 0, mismatch))


def _score_file(f: InputFile, reading: ReadOptions, run: _Run) -> None:
    db, stats, progress = run.db, run.stats, run.progress
    state = db.file_state(f.path, f.format)
    stats.files += 1
    if state.status == "done":
        digest = file_digest(f)
        if state.digest and digest and digest != state.digest:
            raise InputError(f"{f.path} changed since it was scored into {db.path}: its "
                             "stored results no longer describe it; score it into a new --db")
        stats.files_skipped_done += 1
        stats.segments_resumed += state.n_segments
        progress.skip(f.size)
        return
    problems: list[Problem] = []

    def report(p: Problem) -> None:
        problems.append(p)
        stats.problems += 1
        db.add_problem(p)
        progress.problem(p)

    done = state.n_segments
    pending: list[Item] = []  # already stored: compared with the input in small batches
    n = 0
    sources = run.source_language() if done == 0 else None  # (said on the first pass)
    for item in read_items(f, reading, report):
        n += 1
        if sources is not None and sources.add(item.segment.source):
            _source_mismatch(f, sources, report)
            sources = None
        if item.ordinal < done:
            run.skip(state.id, item)
            pending.append(item)
            if len(pending) >= VERIFY_BATCH:
                _verify(db, state.id, pending, f.path)
                pending = []
            continue
        if pending:
            _verify(db, state.id, pending, f.path)
            pending = []
        run.add(state.id, item)
    if pending:
        _verify(db, state.id, pending, f.path)
    if sources is not None:
        _source_mismatch(f, sources, report)
    stats.segments_resumed += min(done, n)
    if n < done:
        raise InputError(f"{f.path} now has {n} segments but the run database already holds "
                         f"{done} from it: the file changed; score it into a new --db")
    if n == 0 and not problems:
        report(Problem(f.path, 0, "no text to score (empty or only whitespace)"))
    digest = file_digest(f)
    if digest:
        db.set_digest(state.id, digest)
    run.sizes[state.id] = f.size
    run.finished.append(state.id)
    if not run.buffer:
        run.flush()


def _verify(db: RunDB, file_id: int, items: list[Item], path: str) -> None:
    stored = db.stored_texts(file_id, items[0].ordinal, items[-1].ordinal)
    for it in items:
        if stored.get(it.ordinal) != it.segment.text:
            raise InputError(f"{path}:{it.segment.line}: the text differs from segment "
                             f"{it.ordinal} stored in the run database: the file changed since "
                             "the run began; score it into a new --db")
