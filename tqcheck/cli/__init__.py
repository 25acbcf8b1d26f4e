"""The `tqcheck` command: thin typer functions over library calls, one module per group.

Library code raises TqcheckError subclasses; only here (`common.exit_on_error`) do they
become exit code 2 and one line on stderr. Heavy imports happen inside the commands, so
`tqcheck --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tqcheck import __version__
from tqcheck.cli import batch, check, evaluation, review
from tqcheck.cli.checklist import checklist_app
from tqcheck.cli.models import models_app

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Find awkward and lossy sentences in machine translation.")
app.add_typer(models_app, name="models")
app.add_typer(checklist_app, name="checklist")
app.command("check")(check.check_command)
app.command("score")(batch.score_command)
app.command("summary")(batch.summary_command)
app.command("export")(batch.export_command)
app.command("report")(batch.report_command)
app.command("review")(review.review_command)
app.command("decide")(review.decide_command)
app.command("eval")(evaluation.eval_command)
app.command("calibrate")(evaluation.calibrate_command)


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


def main() -> None:
    app()
