"""Batch runs: `tqcheck score`, and `summary`, `export`, `report` over a run database."""

from __future__ import annotations

import sys
from typing import IO, Annotated

import typer

from tqcheck.check.options import CheckOptions
from tqcheck.cli.common import (
    DEFAULT_BACKEND,
    DEFAULT_COMPUTE_TYPE,
    STDOUT,
    BackendKind,
    BudgetOption,
    ComputeType,
    EngineKind,
    ExportFormat,
    InputFormat,
    Lang,
    Pivots,
    Profile,
    Quiet,
    RunArg,
    SharedOptions,
    SrcLang,
    exit_on_error,
    fail,
    shared_options,
    writing,
)
from tqcheck.translate.base import BackendSettings


@shared_options
def score_command(
    shared: SharedOptions,
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUT", help="Files or directories (recursive) to score; - for stdin.")],
    db: Annotated[str, typer.Option("--db", metavar="FILE", help="Run database (SQLite); "
                                    "resumed if it exists.")] = "tqcheck-run.sqlite",
    source: Annotated[str | None, typer.Option(
        "--source", "-s", metavar="PATH", help="Line-aligned original of a text input (a "
        "file), or a directory mirroring input directories.")] = None,
    lang: Lang = CheckOptions.lang,
    src_lang: SrcLang = None,
    pivot: Pivots = None,
    input_format: Annotated[InputFormat, typer.Option(
        "--input-format", case_sensitive=False,
        help="auto: by extension (.tsv, .jsonl, else text).")] = InputFormat.auto,
    glob: Annotated[str | None, typer.Option(
        "--glob", metavar="PATTERN",
        help="Only files in directories matching this pattern, e.g. '*.txt'.")] = None,
    backend: Annotated[BackendKind, typer.Option(
        case_sensitive=False, help="torch (transformers) or ct2 (CTranslate2).")
    ] = DEFAULT_BACKEND,
    compute_type: Annotated[ComputeType, typer.Option(
        "--compute-type", case_sensitive=False, help="ct2: int8 (CPU default), "
        "int8_float16 (GPU default), float16, float32; torch: float32 only.")
    ] = DEFAULT_COMPUTE_TYPE,
    threads: Annotated[int, typer.Option(min=0, help="CPU threads; 0 = all cores.")
                       ] = BackendSettings.threads,
    profile: Profile = CheckOptions.profile,
    budget: BudgetOption = None,
    engine: Annotated[EngineKind, typer.Option(
        case_sensitive=False, help="local (this process), processes (worker processes on "
        "this machine: --workers; for model-free runs, whose checks use a core each) or ray "
        "(actors on a Ray cluster: pip install 'tqcheck[ray]'); the results are the same.")
    ] = EngineKind.local,
    workers: Annotated[int | None, typer.Option(
        min=1, help="--engine processes: worker processes (default: the cores).")] = None,
    address: Annotated[str | None, typer.Option(
        metavar="auto|ray://HOST:PORT", help="--engine ray: the cluster to join (default: "
        "start one on this machine for the run).")] = None,
    actors: Annotated[int, typer.Option(min=1, help="--engine ray: checker actors (each "
                                        "loads the models once).")] = 2,
    actor_cpus: Annotated[float, typer.Option(
        "--actor-cpus", min=0.01, help="--engine ray: CPUs per actor (also its threads).")
    ] = 1.0,
    actor_gpus: Annotated[float, typer.Option(
        "--actor-gpus", min=0.0, help="--engine ray: GPUs per actor.")] = 0.0,
    output: Annotated[tuple[str, str] | None, typer.Option(
        "--output", metavar="parquet DIR", help="Also write the per-segment rows (the "
        "fields of `export`) as Parquet files into DIR.")] = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Log each chunk: who checked it, how long it took.")
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Score a corpus into a run database; rerun the same command to resume.

    Exits 2 when no input could be scored (every file skipped: see the warnings).
    """
    from tqcheck.batch.engine import RayOptions
    from tqcheck.batch.runner import ScoreOptions, score_corpus
    from tqcheck.cli.progress import ScoreProgress

    if output is not None and output[0].lower() != "parquet":
        raise fail(f"--output {output[0]}: the only output format is parquet "
                   "(--output parquet DIR)")
    if budget is not None and shared.model_free:
        raise fail("--budget spends model time: it has no meaning with --model-free")
    if engine is not EngineKind.ray and (address or actors != 2 or actor_cpus != 1.0
                                         or actor_gpus):
        raise fail("--address, --actors, --actor-cpus and --actor-gpus need --engine ray")
    if workers is not None and engine is not EngineKind.processes:
        raise fail("--workers needs --engine processes")

    opts = ScoreOptions(
        check=shared.check_options(
            lang, src_lang, pivot=pivot, profile=profile, budget=budget,
            backend=shared.backend(kind=backend.value, compute_type=compute_type.value,
                                   threads=threads)),
        fmt=input_format.value, glob=glob, source=source, engine=engine.value, workers=workers,
        ray=RayOptions(address=address, actors=actors, actor_cpus=actor_cpus,
                       actor_gpus=actor_gpus),
        parquet=output[1] if output else None)
    from pathlib import Path

    parent = Path(db).parent
    if not parent.exists():  # (score_corpus makes it; say so, a typo would go unseen)
        typer.echo(f"tqcheck: {parent} does not exist: creating it for the run database",
                   err=True)
    with ScoreProgress(quiet) as progress:
        try:
            with exit_on_error():
                stats = score_corpus(inputs, db, opts, progress,
                                     log=progress.log if verbose else None)
        except KeyboardInterrupt:
            progress.log(f"tqcheck: interrupted; finished chunks are saved in {db}; run the "
                         "same command to resume")
            raise typer.Exit(130) from None
    rate = stats.segments_scored / stats.seconds if stats.seconds else 0.0
    typer.echo(f"{stats.segments_scored} segments scored ({rate:.1f}/s), "
               f"{stats.segments_resumed} already in {db}, {stats.problems} input problems; "
               f"cache {stats.cache_hits} hits / {stats.cache_misses} misses", err=True)
    if stats.segments_scored == 0 and stats.segments_resumed == 0:
        raise fail(f"nothing was scored: every input was skipped ({stats.problems} "
                   "problems, listed above)")
    typer.echo(f"next: tqcheck summary {db}  |  tqcheck export {db} --format jsonl", err=True)


def summary_command(
    run: RunArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")
                       ] = False,
) -> None:
    """Counts by category and severity, the risk distribution, the slowest files."""
    import json

    from tqcheck.output.tables import print_summary
    from tqcheck.run.rundb import RunDB

    with exit_on_error(), RunDB(run, mode="read") as rundb:
        summary = rundb.summary()
    with writing(STDOUT):
        if as_json:
            typer.echo(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
        else:
            print_summary(summary)


def export_command(
    run: Annotated[str, typer.Argument(
        metavar="RUN", help="Run database written by `tqcheck score`, or a folder it wrote "
        "with --output parquet.")],
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="json (one document, as `check -f json`), jsonl, csv or tsv.")
    ] = ExportFormat.jsonl,
    out: Annotated[str | None, typer.Option(
        "--out", "-o", metavar="FILE", help="Output file (default, or -: stdout).")] = None,
    min_risk: Annotated[float | None, typer.Option(
        "--min-risk", min=0.0, max=1.0, help="Only segments with at least this risk.")] = None,
    corrected: Annotated[str | None, typer.Option(
        "--corrected", metavar="PATH", help="Write the input text with the review's edits "
        "applied to this file (a directory when the run has several files).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Let --corrected replace an input file of the run.")] = False,
) -> None:
    """Write a run's segments, one row each (with decisions), or the corrected text."""
    from contextlib import nullcontext

    from tqcheck.output.corrected import write_corrected
    from tqcheck.output.export import export_run
    from tqcheck.output.parquet import export_parquet, is_parquet_folder
    from tqcheck.run.rundb import RunDB

    parquet = is_parquet_folder(run)
    if parquet and corrected:
        raise fail("--corrected needs the run database (a Parquet folder has no review "
                   "decisions)")
    with exit_on_error(), (nullcontext() if parquet else RunDB(run, mode="read")) as rundb:

        def export(fh: IO[str]) -> int:
            return (export_parquet(run, fmt.value, fh, min_risk) if rundb is None
                    else export_run(rundb, fmt.value, fh, min_risk))

        if corrected:
            for path in write_corrected(rundb, corrected, force=force):
                typer.echo(f"wrote {path}", err=True)
        elif out and out != "-":
            with writing(out), open(out, "w", encoding="utf-8", newline="") as fh:
                n = export(fh)
            typer.echo(f"wrote {n} segments to {out}", err=True)
        else:
            with writing(STDOUT):
                export(sys.stdout)


def report_command(
    run: RunArg,
    out: Annotated[str, typer.Option("--out", "-o", metavar="FILE",
                                     help="HTML file to write (-: stdout).")
                   ] = "tqcheck-report.html",
    limit: Annotated[int | None, typer.Option(
        metavar="N", min=1, help="At most this many flagged segments, worst first "
        "(default: [report] max_segments in configs/score.toml).")] = None,
) -> None:
    """Write one self-contained HTML page: figures, risk histogram, flagged segments."""
    from tqcheck.output.report import render_report, write_report
    from tqcheck.run.rundb import RunDB

    with exit_on_error(), RunDB(run, mode="read") as rundb:
        if out == "-":
            with writing(STDOUT):
                sys.stdout.write(render_report(rundb, limit))
            return
        path = write_report(rundb, out, limit)
    typer.echo(f"wrote {path}", err=True)
