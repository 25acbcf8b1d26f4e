"""The `tqcheck` command: thin typer functions over library calls, one module per group.

Library code raises TqcheckError subclasses; only here (`common.exit_on_error`) do they
become exit code 2 and one line on stderr. Heavy imports happen inside the commands, so
`tqcheck --help` stays fast. A closed pipe (`tqcheck check … | head`) ends quietly: click
stops at the first write that fails.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tqcheck.cli import batch, check, checks, evaluation, review
from tqcheck.cli.checklist import checklist_app
from tqcheck.cli.common import command, typer_app
from tqcheck.cli.models import models_app
from tqcheck.version import __version__

app = typer_app(no_args_is_help=True,
                help="Find awkward and lossy sentences in machine translation.")
app.add_typer(models_app, name="models")
app.add_typer(checklist_app, name="checklist")
command(app, "check")(check.check_command)
command(app, "checks")(checks.checks_command)
command(app, "score")(batch.score_command)
command(app, "summary")(batch.summary_command)
command(app, "export")(batch.export_command)
command(app, "report")(batch.report_command)
command(app, "review")(review.review_command)
command(app, "decide")(review.decide_command)
command(app, "eval")(evaluation.eval_command)
command(app, "calibrate")(evaluation.calibrate_command)


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
