"""What every command shares: exit codes, the one place library errors become exit code 2,
and the options several commands take."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from tqcheck.errors import TqcheckError

EXIT_OK, EXIT_FLAGGED, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> typer.Exit:
    typer.echo(f"tqcheck: error: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


@contextmanager
def exit_on_error() -> Iterator[None]:
    """Library errors become one line on stderr and exit code 2, never a traceback."""
    try:
        yield
    except TqcheckError as exc:
        raise fail(str(exc)) from None


ModelsDir = Annotated[str | None, typer.Option(
    "--models-dir", envvar="TQCHECK_MODELS_DIR",
    help="Directory with DIR/<src>-<tgt>/ saved Marian models; used before the hub.")]
ModelFree = Annotated[bool, typer.Option(
    "--model-free", help="Only signals that need no translation model (rules, similarity).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
Device = Annotated[str, typer.Option(help="auto, cpu, cuda or cuda:N.")]
Profile = Annotated[str, typer.Option(help="Scoring profile in configs/profiles/ (or a "
                                           "path to one).")]
Lang = Annotated[str, typer.Option("--lang", "-l", help="Language of the text to check.")]
SrcLang = Annotated[str | None, typer.Option(
    "--src-lang", help="Language of the source (needed with --source).")]
Pivots = Annotated[list[str] | None, typer.Option(
    "--pivot", "-p", help="Pivot language for round trips; repeatable.")]
RunArg = Annotated[str, typer.Argument(help="Run database written by `tqcheck score`.")]
Reviewer = Annotated[str | None, typer.Option(
    "--reviewer", envvar="TQCHECK_REVIEWER", help="Name stored with each decision "
    "(default: $TQCHECK_REVIEWER or the login name).")]
Dialect = Annotated[str | None, typer.Option(
    "--dialect", help="English spelling accepted: any (American and British), us, gb, au, "
    "ca, in (default: the profile's).")]
Dictionaries = Annotated[list[str] | None, typer.Option(
    "--dictionary", help="Word file (one word per line) added to the spelling dictionary; "
    "repeatable.")]
Checklists = Annotated[list[str] | None, typer.Option(
    "--checklist", help="Checklist (TOML file, or a name in configs/checklists/) added to "
    "the profile's; repeatable.")]
