"""Reviewing a run: `tqcheck review` (the terminal app) and `tqcheck decide` (scripts)."""

from __future__ import annotations

from typing import Annotated

import typer

from tqcheck.cli.common import Reviewer, RunArg, exit_on_error, fail


def review_command(run: RunArg, reviewer: Reviewer = None) -> None:
    """Go through flagged segments worst first: accept, confirm, edit (press ? for keys)."""
    from pathlib import Path

    if not Path(run).is_file():
        raise fail(f"{run}: no such run database")
    from tqcheck.review.app import ReviewApp

    with exit_on_error():
        ReviewApp(run, reviewer).run()


def decide_command(
    run: RunArg,
    segment: Annotated[str, typer.Argument(
        metavar="SEGMENT", help="PATH:LINE:COL (or PATH:LINE) as review, report and check "
        "show it, or the `key` field of `tqcheck export`.")],
    accept: Annotated[bool, typer.Option("--accept", help="The flags are false alarms.")
                      ] = False,
    confirm: Annotated[bool, typer.Option("--confirm", help="The flags are real problems.")
                       ] = False,
    edit: Annotated[str | None, typer.Option("--edit", metavar="TEXT",
                                             help="The corrected segment text.")] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Cancel the latest decision on "
                                       "this segment.")] = False,
    reviewer: Reviewer = None,
) -> None:
    """Record one review decision (the review app's keys, for scripts)."""
    from tqcheck.batch.rundb import RunDB
    from tqcheck.review.decisions import Review

    chosen = [name for name, on in (("accept", accept), ("confirm", confirm),
                                    ("edit", edit is not None), ("undo", undo)) if on]
    if len(chosen) != 1:
        raise fail("give exactly one of --accept, --confirm, --edit TEXT, --undo")
    with exit_on_error(), RunDB(run, create=False) as db:
        review = Review(db, reviewer)
        key = db.locate(segment)
        stored = db.get(key)
        where = stored.location if stored is not None else str(key)
        if undo:
            current = review.current(key)
            if current is None:
                raise fail(f"segment {where} has no decision to undo")
            review.undo(current.id)
            typer.echo(f"{where}: undid {current.action}")
            return
        d = review.decide(key, chosen[0], edit)
    typer.echo(f"{where}: {d.action} by {d.reviewer} at {d.at}")
