"""`tqcheck checklist test`: run every check's examples."""

from __future__ import annotations

from typing import Annotated

import typer

from tqcheck.cli.common import EXIT_FLAGGED, command, exit_on_error, typer_app

checklist_app = typer_app(no_args_is_help=True, help="Checklists of known style problems.")


@command(checklist_app, "test")
def checklist_test_command(
    files: Annotated[list[str], typer.Argument(
        help="Checklist files, or names of shipped ones (configs/checklists/NAME.toml).")],
) -> None:
    """Load each checklist and run its examples; exit 1 if an example fails."""
    from tqcheck.check.checklists import load_checklist, run_examples

    failed = 0
    with exit_on_error():
        for ref in files:
            checklist = load_checklist(ref)
            failures = run_examples(checklist)
            for line in failures:
                typer.echo(line)
            examples = sum(len(c.match) + len(c.no_match) for c in checklist.checks)
            typer.echo(f"{checklist.path}: {len(checklist.checks)} checks, {examples} "
                       f"examples, {len(failures)} failed", err=True)
            failed += len(failures)
    if failed:
        raise typer.Exit(EXIT_FLAGGED)
