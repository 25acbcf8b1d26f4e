"""`tqcheck check`: one file, results on stdout."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tqcheck.check.options import CheckOptions
from tqcheck.cli.common import (
    EXIT_FLAGGED,
    STDOUT,
    BudgetOption,
    CheckFormat,
    FailOn,
    Lang,
    Pivots,
    Profile,
    Quiet,
    SharedOptions,
    SrcLang,
    exit_on_error,
    fail,
    shared_options,
    writing,
)


@shared_options
def check_command(
    shared: SharedOptions,
    file: Annotated[str, typer.Argument(metavar="FILE",
                                        help="UTF-8 text to check, or - for stdin.")],
    source: Annotated[str | None, typer.Option(
        "--source", "-s", metavar="FILE",
        help="Original text, line-aligned with FILE (same non-empty lines).")] = None,
    lang: Lang = CheckOptions.lang,
    src_lang: SrcLang = None,
    pivot: Pivots = None,
    fmt: Annotated[CheckFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="Output format.")] = CheckFormat.text,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", case_sensitive=False, help="Exit 1 when a flag is at least this severe.")
    ] = FailOn.major,
    profile: Profile = CheckOptions.profile,
    budget: BudgetOption = None,
    quiet: Quiet = False,
    review: Annotated[bool, typer.Option(
        "--review", help="Save the results in a run database (--db) and open the review "
        "app on them.")] = False,
    db: Annotated[str | None, typer.Option(
        "--db", metavar="FILE",
        help="Run database for --review (default: FILE.tqcheck.sqlite).")] = None,
) -> None:
    """Check one file: which sentences are awkward or lossy, and where.

    A line that cannot be read (invalid UTF-8, too long) is reported on stderr and skipped;
    the rest is checked.
    """
    from tqcheck.check.risk import at_or_above
    from tqcheck.output.render import render
    from tqcheck.pipeline.document import check_file

    if source is not None and not src_lang:
        raise fail("--source needs --src-lang (the language of the source text)")
    if budget is not None and shared.model_free:
        raise fail("--budget spends model time: it has no meaning with --model-free")
    opts = shared.check_options(lang, src_lang, pivot=pivot, profile=profile, budget=budget)
    if review:
        _check_and_review(file, source, opts, db or f"{file}.tqcheck.sqlite", quiet)
        return
    with exit_on_error():
        result = check_file(
            file, opts, source,
            on_stage=None if quiet else lambda msg: typer.echo(f"tqcheck: {msg}", err=True),
            report=lambda problem: typer.echo(f"tqcheck: warning: {problem}", err=True))
    with writing(STDOUT):
        render(result, fmt.value, sys.stdout)
    flags = [f for r in result.segments for f in r.flags]
    if fail_on is not FailOn.never and at_or_above(flags, fail_on.value):
        raise typer.Exit(EXIT_FLAGGED)


def _check_and_review(file: str, source: str | None, opts: CheckOptions, db: str,
                      quiet: bool) -> None:
    """`check --review`: score the file into a run database, then open the review app."""
    from tqcheck.batch.runner import ScoreOptions, score_corpus
    from tqcheck.cli.progress import ScoreProgress

    if file == "-":
        raise fail("--review needs a file (standard input cannot be read again for the "
                   "corrected export)")
    with ScoreProgress(quiet) as progress, exit_on_error():
        score_corpus([file], db, ScoreOptions(check=opts, source=source), progress)
    from tqcheck.review.app import ReviewApp

    ReviewApp(db).run()
    typer.echo(f"decisions are saved in {db}; `tqcheck export {db} --corrected OUT` writes "
               "the corrected text", err=True)
