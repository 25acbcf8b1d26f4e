"""Reviewing a run: `tqcheck review` (the terminal app) and `tqcheck decide` (scripts)."""

from __future__ import annotations

from typing import Annotated

import typer

from tqcheck.cli.common import Reviewer, RunArg, exit_on_error, fail


def review_command(run: RunArg, reviewer: Reviewer = None) -> None:
    """Go through flagged segments worst first: accept, confirm, edit (press ? for keys)."""
    from tqcheck.review.app import ReviewApp

    with exit_on_error():
        ReviewApp(run, reviewer).run()


def read_edit(path: str) -> str:
    """The text of an --edit-file: UTF-8, one final line break dropped."""
    from pathlib import Path

    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"{path}: not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise fail(f"{path}: {exc.strerror or exc}") from None
    return text.removesuffix("\n").removesuffix("\r")


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
    edit_file: Annotated[str | None, typer.Option(
        "--edit-file", metavar="FILE", help="The corrected segment text, read from a UTF-8 "
        "file (for text longer than a command line; one final line break is dropped).")
    ] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Cancel the latest decision on "
                                       "this segment.")] = False,
    reviewer: Reviewer = None,
) -> None:
    """Record one review decision (the review app's keys, for scripts)."""
    from tqcheck.batch.rundb import RunDB
    from tqcheck.review.decisions import Review

    chosen = [name for name, on in (("accept", accept), ("confirm", confirm),
                                    ("edit", edit is not None), ("edit", edit_file is not None),
                                    ("undo", undo)) if on]
    if len(chosen) != 1:
        raise fail("give exactly one of --accept, --confirm, --edit TEXT, --edit-file FILE, "
                   "--undo")
    if edit_file is not None:
        edit = read_edit(edit_file)
    with exit_on_error(), RunDB(run, mode="write") as db:
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
