"""The `tqcheck` command: thin typer functions over library calls.

Library code raises TqcheckError subclasses; only here do they become exit code 2 and one
line on stderr. Heavy imports happen inside the commands so `tqcheck --help` stays fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from tqcheck import __version__
from tqcheck.errors import TqcheckError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Find awkward and lossy sentences in machine translation.")
models_app = typer.Typer(no_args_is_help=True, help="List and download translation models.")
app.add_typer(models_app, name="models")

EXIT_OK, EXIT_FLAGGED, EXIT_ERROR = 0, 1, 2


class Format(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    tsv = "tsv"


class FailOn(StrEnum):
    major = "Major"
    minor = "Minor"
    never = "never"


def fail(message: str) -> typer.Exit:
    typer.echo(f"tqcheck: error: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tqcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """tqcheck: round-trip translation checks with MarianMT and sacrebleu."""


ModelsDir = Annotated[str | None, typer.Option(
    "--models-dir", envvar="TQCHECK_MODELS_DIR",
    help="Directory with DIR/<src>-<tgt>/ saved Marian models; used before the hub.")]


LangPair = Annotated[str | None, typer.Option(
    "--lang-pair", help="SRC-TGT, e.g. zh-en; guessed from names like mqm_ted_zhen.tsv.")]
Limit = Annotated[int | None, typer.Option("--limit", help="Use the first N system-segments.")]
Systems = Annotated[list[str] | None, typer.Option("--systems", help="Only these systems.")]
TargetOnly = Annotated[bool, typer.Option("--target-only",
                                          help="Ignore the sources: round trips only.")]
ModelFree = Annotated[bool, typer.Option(
    "--model-free", help="Only signals that need no translation model (rules, similarity).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
Device = Annotated[str, typer.Option(help="auto, cpu or cuda.")]
OutJson = Annotated[str | None, typer.Option("--out", "-o", help="Write figures as JSON.")]


@app.command("check")
def check_command(
    file: Annotated[str, typer.Argument(help="UTF-8 text to check, or - for stdin.")],
    source: Annotated[str | None, typer.Option(
        "--source", "-s", help="Original text, line-aligned with FILE (same non-empty lines).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language of FILE.")] = "en",
    src_lang: Annotated[str | None, typer.Option(
        "--src-lang", help="Language of --source (or of the original, for round trips).")
    ] = None,
    pivot: Annotated[list[str] | None, typer.Option(
        "--pivot", "-p", help="Pivot language for round trips; repeatable.")] = None,
    models_dir: ModelsDir = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Exit 1 when a flag is at least this severe.")] = FailOn.major,
    profile: Annotated[str, typer.Option(help="Scoring profile in configs/profiles/.")
                       ] = "default",
    device: Device = "auto",
    model_free: ModelFree = False,
    quiet: Quiet = False,
    review: Annotated[bool, typer.Option(
        "--review", help="Save the results in a run database (--db) and open the review "
        "app on them.")] = False,
    db: Annotated[str | None, typer.Option(
        "--db", help="Run database for --review (default: FILE.tqcheck.sqlite).")] = None,
) -> None:
    """Check one file: which sentences are awkward or lossy, and where."""
    from tqcheck.check.checker import Checker, CheckOptions, load_segments
    from tqcheck.check.risk import at_or_above
    from tqcheck.inputs.segment import read_input
    from tqcheck.output.render import render

    if source is not None and not src_lang:
        raise fail("--source needs --src-lang (the language of the source text)")
    if review:
        _check_and_review(file, source, CheckOptions(
            lang=lang, src_lang=src_lang, pivots=tuple(pivot or ()), profile=profile,
            models_dir=models_dir, device=device, model_free=model_free),
            db or f"{file}.tqcheck.sqlite", quiet)
        return
    try:
        opts = CheckOptions(lang=lang, src_lang=src_lang, pivots=tuple(pivot or ()),
                            profile=profile, models_dir=models_dir, device=device,
                            model_free=model_free)
        target = read_input(file)
        segments = load_segments(target, opts,
                                 read_input(source) if source is not None else None)
        stage = None if quiet else (lambda msg: typer.echo(f"tqcheck: {msg}", err=True))
        result = Checker(opts, on_stage=stage).check(segments, input_name=target.name)
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    render(result, fmt.value, sys.stdout)
    flags = [f for r in result.segments for f in r.flags]
    if fail_on is not FailOn.never and at_or_above(flags, fail_on.value):
        raise typer.Exit(EXIT_FLAGGED)


def _check_and_review(file: str, source: str | None, opts, db: str, quiet: bool) -> None:
    """`check --review`: score the file into a run database, then open the review app."""
    from tqcheck.batch.runner import ScoreOptions, score_corpus

    if file == "-":
        raise fail("--review needs a file (standard input cannot be read again for the "
                   "corrected export)")
    with _RichProgress(quiet) as progress:
        try:
            score_corpus([file], db, ScoreOptions(check=opts, source=source), progress)
        except TqcheckError as exc:
            raise fail(str(exc)) from None
    from tqcheck.review.app import ReviewApp

    ReviewApp(db).run()
    typer.echo(f"decisions are saved in {db}; `tqcheck export {db} --corrected OUT` writes "
               "the corrected text", err=True)


@models_app.command("list")
def models_list_command(models_dir: ModelsDir = None) -> None:
    """Show each configured pair, its model, and whether it is available locally."""
    from tqcheck.translate.registry import is_available, load_registry, models_dir_from_env, resolve

    try:
        registry = load_registry()
        pairs = set(registry.pairs)
        base = models_dir_from_env(models_dir)
        if base is not None and base.is_dir():
            pairs |= {p.name for p in base.iterdir() if p.is_dir() and "-" in p.name}
        for pair in sorted(pairs):
            spec = resolve(pair, models_dir)
            state = "available" if is_available(spec) else "missing"
            typer.echo(f"{pair}\t{state}\t{spec.model_id}")
    except TqcheckError as exc:
        raise fail(str(exc)) from None


@models_app.command("pull")
def models_pull_command(
    pairs: Annotated[list[str], typer.Argument(help="Pairs such as en-fr fr-en.")],
) -> None:
    """Download models into the Hugging Face cache (needs network access)."""
    from tqcheck.translate.registry import pull, resolve

    try:
        for pair in pairs:
            path = pull(resolve(pair))
            typer.echo(f"{pair}\t{path}")
    except TqcheckError as exc:
        raise fail(str(exc)) from None


def _load_mqm(path: str, lang_pair: str | None, limit: int | None,
              systems: list[str] | None, *, target_only: bool, model_free: bool, profile: str,
              models_dir: str | None, device: str):
    """The MQM segments of `path` and the EvalOptions to check them with."""
    from tqcheck.evaluation.figures import EvalOptions, guess_lang_pair
    from tqcheck.evaluation.mqm import read_mqm

    src, tgt = lang_pair.split("-", 1) if lang_pair else guess_lang_pair(path)
    mqm = read_mqm(path, systems=systems, limit=limit)
    if not mqm:
        raise fail(f"{path}: no segments (check --systems)")
    return mqm, EvalOptions(src_lang=src, lang=tgt, target_only=target_only,
                            model_free=model_free, profile=profile, models_dir=models_dir,
                            device=device)


def _progress(quiet: bool, total: int, what: str):
    """A transient progress bar on stderr; returns (context manager, advance callback)."""
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(disable=quiet, transient=True, console=Console(stderr=True))
    task = bar.add_task(what, total=total)
    return bar, lambda n: bar.advance(task, n)


def _write_json(out: str, signature: str, input_name: str, payload: dict) -> None:
    """Figures as JSON, headed by the version, signature and input like every result."""
    import json
    from pathlib import Path

    Path(out).write_text(json.dumps({"tqcheck_version": __version__, "signature": signature,
                                     "input": input_name, **payload}, indent=2) + "\n")


def _print_figures(title: str, fig: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_header=True)
    table.add_column("figure")
    table.add_column("value", justify="right")
    seg, sys_, binary = fig["segment"], fig["system"], fig["binary"]
    rows = [("system-segments", fig["n_segments"]), ("mean MQM", fig["mean_mqm"]),
            ("segment Pearson", seg["pearson"]), ("segment Spearman", seg["spearman"]),
            ("segment Kendall tau-b", seg["kendall_tau_b"]), ("segment acc-t", seg["acc_t"]),
            ("system pairwise accuracy", sys_["pairwise_accuracy"]),
            ("bad (MQM < -5) AUROC", binary["auroc"]), ("bad precision", binary["precision"]),
            ("bad recall", binary["recall"]), ("bad F1", binary["f1"])]
    for name, span in fig.get("span", {}).items():
        rows.append((f"span F1 {name}", span["f1"]))
    for name, value in rows:
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        table.add_row(name, shown)
    Console().print(table)


@app.command("eval")
def eval_command(
    mqm_file: Annotated[str, typer.Argument(help="MQM TSV (WMT format).")],
    lang_pair: LangPair = None, limit: Limit = None, systems: Systems = None,
    target_only: TargetOnly = False, model_free: ModelFree = False,
    models_dir: ModelsDir = None,
    profile: Annotated[str, typer.Option(help="Scoring profile.")] = "default",
    device: Device = "auto",
    out: OutJson = None,
    quiet: Quiet = False,
) -> None:
    """Measure how far tqcheck agrees with human MQM annotations."""

    from tqcheck.evaluation.figures import figures, finite, run_checker

    try:
        mqm, opts = _load_mqm(mqm_file, lang_pair, limit, systems, target_only=target_only,
                              model_free=model_free, profile=profile, models_dir=models_dir,
                              device=device)
        bar, advance = _progress(quiet, len(mqm), f"checking {len(mqm)} segments")
        with bar:
            results, signature = run_checker(mqm, opts, advance)
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    fig = finite(figures(mqm, [r.risk for r in results], results))
    _print_figures(f"tqcheck eval {mqm_file}", fig)
    typer.echo(signature)
    if out:
        _write_json(out, signature, mqm_file, fig)


@app.command("calibrate")
def calibrate_command(
    mqm_file: Annotated[str, typer.Argument(help="MQM TSV (WMT format).")],
    name: Annotated[str, typer.Option("--name", help="Profile to write in configs/profiles/.")],
    lang_pair: LangPair = None, limit: Limit = None, systems: Systems = None,
    target_only: TargetOnly = False, model_free: ModelFree = False,
    models_dir: ModelsDir = None,
    base: Annotated[str, typer.Option(help="Profile to start from.")] = "default",
    folds: Annotated[int, typer.Option(help="Cross-validation folds (by document).")] = 5,
    device: Device = "auto",
    out: OutJson = None,
    quiet: Quiet = False,
) -> None:
    """Fit the risk weights to MQM judgments and write a profile for --profile NAME."""
    from pathlib import Path

    from tqcheck.evaluation.figures import calibrate_run, finite, span_grid, write_profile

    try:
        mqm, opts = _load_mqm(mqm_file, lang_pair, limit, systems, target_only=target_only,
                              model_free=model_free, profile=base, models_dir=models_dir,
                              device=device)
        passes = 1 if model_free else 3 + len(span_grid())  # at most; fewer if nothing moved
        bar, advance = _progress(quiet, passes * len(mqm),
                                 f"{passes} passes over {len(mqm)} segments")
        with bar:
            cal, signature = calibrate_run(mqm, opts, folds, advance)
        path = write_profile(cal, name, base, note=f"Fitted on {Path(mqm_file).name}, "
                             f"{len(mqm)} segments, {'model-free' if model_free else 'models'}.")
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    before, after = finite(cal.heldout_before), finite(cal.heldout_after)
    _print_figures(f"held-out documents, profile {base}", before)
    _print_figures(f"held-out documents, calibrated ({folds}-fold by document)", after)
    if cal.spans:
        f1 = finite(cal.span_heldout)
        typer.echo(f"span thresholds {cal.spans}: held-out span F1 {f1['span_f1_before']} -> "
                   f"{f1['span_f1_after']}")
    typer.echo(f"wrote {path}")
    if out:
        _write_json(out, signature, mqm_file, {
            "profile": str(path), "weights": cal.weights, "bias": cal.bias,
            "spans": cal.spans, "span_heldout": finite(cal.span_heldout),
            "before": before, "after": after})


RunArg = Annotated[str, typer.Argument(help="Run database written by `tqcheck score`.")]


class _RichProgress:
    """The score command's progress: a bar over input bytes, segments/s, per-file lines."""

    def __init__(self, quiet: bool) -> None:
        from rich.console import Console

        self.quiet = quiet
        self.console = Console(stderr=True, highlight=False)
        self.bar = None
        self.task = None
        self.segments = 0

    def __enter__(self) -> _RichProgress:
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

    def start(self, files, total_bytes: int) -> None:
        import time

        self.t0 = time.perf_counter()
        self.log(f"tqcheck: {len(files)} files, {total_bytes:,} bytes")
        if self.bar is not None:
            self.task = self.bar.add_task("score", total=total_bytes or None, segments=0,
                                          rate="0.0")

    def advance(self, nbytes: int, nsegments: int) -> None:
        import time

        self.segments += nsegments
        if self.bar is not None and self.task is not None:
            rate = self.segments / max(time.perf_counter() - self.t0, 1e-9)
            self.bar.update(self.task, advance=nbytes, segments=self.segments,
                            rate=f"{rate:.1f}")

    def file_done(self, path: str, n_segments: int, seconds: float) -> None:
        self.log(f"done {path}: {n_segments} segments, {seconds:.1f} s")

    def problem(self, problem) -> None:
        self.log(f"warning: {problem}")


@app.command("score")
def score_command(
    inputs: Annotated[list[str], typer.Argument(
        help="Files or directories (recursive) to score; - for stdin.")],
    db: Annotated[str, typer.Option("--db", help="Run database (SQLite); resumed if it "
                                    "exists.")] = "tqcheck-run.sqlite",
    source: Annotated[str | None, typer.Option(
        "--source", "-s", help="Line-aligned original of a text input (a file), or a "
        "directory mirroring input directories.")] = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language of the inputs.")] = "en",
    src_lang: Annotated[str | None, typer.Option(
        "--src-lang", help="Language of the sources (needed when there are sources).")
    ] = None,
    pivot: Annotated[list[str] | None, typer.Option(
        "--pivot", "-p", help="Pivot language for round trips; repeatable.")] = None,
    input_format: Annotated[str, typer.Option(
        "--input-format", help="auto (by extension: .tsv, .jsonl, else text), text, tsv, "
        "jsonl.")] = "auto",
    glob: Annotated[str | None, typer.Option(
        "--glob", help="Only files in directories matching this pattern, e.g. '*.txt'.")
    ] = None,
    backend: Annotated[str, typer.Option(help="torch or ct2 (CTranslate2).")] = "torch",
    compute_type: Annotated[str, typer.Option(
        "--compute-type", help="ct2: int8 (CPU default), int8_float16 (GPU default), "
        "float16, float32.")] = "auto",
    threads: Annotated[int, typer.Option(help="CPU threads; 0 = all cores.")] = 0,
    cache_dir: Annotated[str | None, typer.Option(
        "--cache-dir", envvar="TQCHECK_CACHE_DIR",
        help="Translation cache directory (default: the user cache directory).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use the cache.")
                        ] = False,
    models_dir: ModelsDir = None,
    profile: Annotated[str, typer.Option(help="Scoring profile.")] = "default",
    device: Device = "auto",
    model_free: ModelFree = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q",
                                        help="Plain log lines instead of a progress bar.")
                     ] = False,
) -> None:
    """Score a corpus into a run database; rerun the same command to resume."""
    from tqcheck.batch.runner import ScoreOptions, score_corpus
    from tqcheck.check.checker import CheckOptions
    from tqcheck.translate.factory import BackendSettings

    opts = ScoreOptions(
        check=CheckOptions(lang=lang, src_lang=src_lang, pivots=tuple(pivot or ()),
                           profile=profile, models_dir=models_dir, device=device,
                           model_free=model_free),
        backend=BackendSettings(backend=backend, device=device, compute_type=compute_type,
                                cache=not no_cache, cache_dir=cache_dir, threads=threads),
        fmt=input_format, glob=glob, source=source)
    with _RichProgress(quiet) as progress:
        try:
            stats = score_corpus(inputs, db, opts, progress)
        except TqcheckError as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            progress.log(f"tqcheck: interrupted; finished chunks are saved in {db}; run the "
                         "same command to resume")
            raise typer.Exit(130) from None
    rate = stats.segments_scored / stats.seconds if stats.seconds else 0.0
    typer.echo(f"{stats.segments_scored} segments scored ({rate:.1f}/s), "
               f"{stats.segments_resumed} already in {db}, {stats.problems} input problems; "
               f"cache {stats.cache_hits} hits / {stats.cache_misses} misses", err=True)
    typer.echo(f"next: tqcheck summary {db}  |  tqcheck export {db} --format jsonl", err=True)


@app.command("export")
def export_command(
    run: RunArg,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or tsv.")] = "jsonl",
    out: Annotated[str | None, typer.Option("--out", "-o", help="Output file (default "
                                            "stdout).")] = None,
    min_risk: Annotated[float | None, typer.Option(
        "--min-risk", help="Only segments with at least this risk.")] = None,
    corrected: Annotated[str | None, typer.Option(
        "--corrected", help="Write the input text with the review's edits applied to this "
        "file (a directory when the run has several files).")] = None,
) -> None:
    """Write a run's segments, one row each (with decisions), or the corrected text."""
    from tqcheck.batch.rundb import RunDB
    from tqcheck.output.export import EXPORT_FORMATS, export_run

    if fmt not in EXPORT_FORMATS:
        raise fail(f"unknown format {fmt!r}; use {', '.join(EXPORT_FORMATS)}")
    try:
        rundb = RunDB(run, create=False)
        if corrected:
            from tqcheck.output.corrected import write_corrected
            from tqcheck.review.decisions import Review

            for path in write_corrected(Review(rundb), corrected):
                typer.echo(f"wrote {path}", err=True)
            return
        if out:
            with open(out, "w", encoding="utf-8", newline="") as fh:
                n = export_run(rundb, fmt, fh, min_risk)
            typer.echo(f"wrote {n} segments to {out}", err=True)
        else:
            export_run(rundb, fmt, sys.stdout, min_risk)
    except TqcheckError as exc:
        raise fail(str(exc)) from None


Reviewer = Annotated[str | None, typer.Option(
    "--reviewer", envvar="TQCHECK_REVIEWER", help="Name stored with each decision "
    "(default: $TQCHECK_REVIEWER or the login name).")]


@app.command("review")
def review_command(
    run: RunArg,
    reviewer: Reviewer = None,
) -> None:
    """Go through flagged segments worst first: accept, confirm, edit (press ? for keys)."""
    from pathlib import Path

    if not Path(run).is_file():
        raise fail(f"{run}: no such run database")
    from tqcheck.review.app import ReviewApp

    try:
        ReviewApp(run, reviewer).run()
    except TqcheckError as exc:
        raise fail(str(exc)) from None


@app.command("decide")
def decide_command(
    run: RunArg,
    segment: Annotated[str, typer.Argument(help="Segment as FILE:N (field `key` of export).")],
    accept: Annotated[bool, typer.Option("--accept", help="The flags are false alarms.")
                      ] = False,
    confirm: Annotated[bool, typer.Option("--confirm", help="The flags are real problems.")
                       ] = False,
    edit: Annotated[str | None, typer.Option("--edit", help="The corrected segment text.")
                    ] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Cancel the latest decision on "
                                       "this segment.")] = False,
    reviewer: Reviewer = None,
) -> None:
    """Record one review decision (the review app's keys, for scripts)."""
    from tqcheck.batch.rundb import RunDB
    from tqcheck.review.decisions import Review, SegmentKey

    chosen = [name for name, on in (("accept", accept), ("confirm", confirm),
                                    ("edit", edit is not None), ("undo", undo)) if on]
    if len(chosen) != 1:
        raise fail("give exactly one of --accept, --confirm, --edit TEXT, --undo")
    try:
        review = Review(RunDB(run, create=False), reviewer)
        key = SegmentKey.parse(segment)
        if undo:
            current = review.current(key)
            if current is None:
                raise fail(f"segment {key} has no decision to undo")
            review.undo(current.id)
            typer.echo(f"{key}: undid {current.action}")
            return
        d = review.decide(key, chosen[0], edit)
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"{d.key}: {d.action} by {d.reviewer} at {d.at}")


@app.command("report")
def report_command(
    run: RunArg,
    out: Annotated[str, typer.Option("--out", "-o", help="HTML file to write.")
                   ] = "tqcheck-report.html",
    limit: Annotated[int, typer.Option(help="At most this many flagged segments, worst "
                                       "first.")] = 2000,
) -> None:
    """Write one self-contained HTML page: figures, risk histogram, flagged segments."""
    from tqcheck.batch.rundb import RunDB
    from tqcheck.output.report import write_report

    try:
        path = write_report(RunDB(run, create=False), out, limit)
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"wrote {path}")


@app.command("summary")
def summary_command(
    run: RunArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")
                       ] = False,
) -> None:
    """Counts by category and severity, the risk distribution, the slowest files."""
    import json

    from tqcheck.batch.rundb import RunDB

    try:
        summary = RunDB(run, create=False).summary()
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    _print_summary(summary)


def _print_summary(s: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    console.print(f"[bold]{s['database']}[/bold]: {s['segments']} segments in "
                  f"{s['files']['done']}/{s['files']['total']} finished files; "
                  f"{s['flagged_segments']} flagged")
    cats = Table(title="flags by category", show_header=True)
    for col in ("category", "Major", "Minor"):
        cats.add_column(col, justify="left" if col == "category" else "right")
    for cat, sev in sorted(s["flags_by_category"].items()):
        cats.add_row(cat, str(sev.get("Major", 0)), str(sev.get("Minor", 0)))
    console.print(cats)
    risk = s["risk"]
    console.print(f"risk: mean {risk['mean']}, median {risk['p50']}, p90 {risk['p90']}, "
                  f"p99 {risk['p99']}")
    top = max(risk["histogram"].values() or [1]) or 1
    for band, n in risk["histogram"].items():
        console.print(f"  {band}  {'█' * round(30 * n / top):<30} {n}", markup=False)
    slow = Table(title="slowest files", show_header=True)
    for col in ("file", "segments", "seconds", "segments/s"):
        slow.add_column(col, justify="left" if col == "file" else "right")
    for f in s["slowest_files"]:
        slow.add_row(f["path"], str(f["segments"]), str(f["seconds"]), str(f["segments_per_s"]))
    console.print(slow)
    if s["problems"]:
        console.print(f"{len(s['problems'])} input problems:")
        for p in s["problems"][:20]:
            console.print(f"  {p['path']}:{p['line']}: {p['message']}", markup=False)
    if s["signature"]:
        console.print(s["signature"], style="dim", markup=False)


def main() -> None:
    app()
