"""Reviewing a run: `tqcheck review` (the terminal app) and `tqcheck decide` (scripts)."""

from __future__ import annotations

from typing import Annotated

import typer

from tqcheck.cli.common import Reviewer, RunArg, exit_on_error, fail

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def review_command(
    run: RunArg,
    reviewer: Reviewer = None,
    web: Annotated[bool, typer.Option(
        "--web", help="Serve the review app as a web page (textual-serve) instead of "
        "running it in this terminal.")] = False,
    host: Annotated[str, typer.Option(
        metavar="HOST", help="--web: the address to listen on; anything but this machine "
        "lets others review (and change) the run: there is no login.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="N", min=1, max=65535,
                                      help="--web: the port.")] = 8000,
) -> None:
    """Go through flagged segments worst first: accept, confirm, edit (press ? for keys)."""
    if web:
        serve_review(run, reviewer, host, port)
        return
    from tqcheck.review.app import ReviewApp
    from tqcheck.review.web import die_with_parent

    die_with_parent()  # (a page's app, started by `review --web`)
    with exit_on_error():
        ReviewApp(run, reviewer).run()


def serve_review(run: str, reviewer: str | None, host: str, port: int) -> None:
    """The same app in a browser: textual-serve runs one `tqcheck review` per page, each
    writing its decisions to the run database as the terminal app does."""
    from tqcheck.review.web import serve
    from tqcheck.run.rundb import RunDB

    with exit_on_error(), RunDB(run, mode="write"):
        pass  # the run database exists and can be written: say so now, not in the page
    if host not in LOCAL_HOSTS:
        typer.echo(f"tqcheck: warning: serving on {host}:{port}: anyone who can reach it can "
                   "review and change this run (there is no login); use --host 127.0.0.1 "
                   "and an SSH tunnel to keep it to yourself", err=True)
    serve(run, reviewer, host, port)


def read_edit(path: str) -> str:
    """The text of an --edit-file: UTF-8, one final line break dropped."""
    from tqcheck.config import read_utf8
    from tqcheck.errors import InputError

    return read_utf8(path, "the edit", InputError).removesuffix("\n").removesuffix("\r")


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
                                       "this segment (or on --flag N).")] = False,
    flag: Annotated[int | None, typer.Option(
        "--flag", metavar="N", min=1, help="Decide flag N of the segment alone (1: the first, "
        "as review lists them), with --confirm, --reject, --apply or --undo.")] = None,
    reject: Annotated[bool, typer.Option("--reject", help="--flag N is a false alarm.")
                      ] = False,
    apply: Annotated[bool, typer.Option(
        "--apply", help="Apply the suggestion of --flag N (and nothing else); prints the "
        "sentence it gives.")] = False,
    ignore: Annotated[bool, typer.Option(
        "--ignore", help="--flag N is a false alarm on a word: reject it and every "
        "undecided flag of the run on that word, and add the word to your ignore list.")
    ] = False,
    reviewer: Reviewer = None,
) -> None:
    """Record one review decision (the review app's keys, for scripts)."""
    from tqcheck.run.decisions import Review
    from tqcheck.run.rundb import RunDB

    if flag is not None:
        _decide_flag(run, segment, flag - 1, accept or reject, confirm, apply, undo, ignore,
                     edit is not None or edit_file is not None, reviewer)
        return
    if reject or apply or ignore:
        raise fail("--reject, --apply and --ignore decide one flag: give --flag N")
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
        conflict = review.conflict(key)
    typer.echo(f"{where}: {d.action} by {d.reviewer} at {d.at}")
    if conflict:
        typer.echo(f"tqcheck: warning: {where}: {conflict}", err=True)


def _decide_flag(run: str, segment: str, n: int, reject: bool, confirm: bool, apply: bool,
                 undo: bool, ignore: bool, edit: bool, reviewer: str | None) -> None:
    from tqcheck.run.decisions import Review
    from tqcheck.run.rundb import RunDB

    chosen = [name for name, on in (("reject", reject), ("confirm", confirm), ("fix", apply),
                                    ("undo", undo), ("ignore", ignore)) if on]
    if edit or len(chosen) != 1:
        raise fail("with --flag N give exactly one of --confirm, --reject (or --accept), "
                   "--apply, --ignore, --undo")
    with exit_on_error(), RunDB(run, mode="write") as db:
        review = Review(db, reviewer)
        key = db.locate(segment)
        stored = db.get(key)
        where = f"{stored.location if stored is not None else key} flag {n + 1}"
        if chosen[0] == "undo":
            undone = review.undo_flag(key, n)
            if undone is None:
                raise fail(f"{where} has no decision to undo")
            typer.echo(f"{where}: undid {undone.action}")
            return
        if chosen[0] == "ignore":
            word, rejected, path = review.ignore_everywhere(key, n)
            typer.echo(f"{where}: ignoring {word!r}: {rejected} flag(s) of the run rejected; "
                       f"added to {path}")
            return
        if chosen[0] == "fix":
            typer.echo(f"{where}: {review.fixed_text(key, n)}")
        d = review.decide_flag(key, n, chosen[0])
        conflict = review.conflict(key)
    typer.echo(f"{where}: {d.action} ({d.category}, {d.signal}) by {d.reviewer} at {d.at}")
    if conflict:
        typer.echo(f"tqcheck: warning: {where}: {conflict}", err=True)
