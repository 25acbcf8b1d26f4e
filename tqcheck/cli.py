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
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")
                     ] = False,
) -> None:
    """Check one file: which sentences are awkward or lossy, and where."""
    from tqcheck.checker import Checker, CheckOptions
    from tqcheck.models import load_registry
    from tqcheck.render import render
    from tqcheck.scoring import at_or_above
    from tqcheck.segment import read_input, segment_parallel, segment_text

    try:
        target = read_input(file)
        opts = CheckOptions(lang=lang, src_lang=src_lang, pivots=tuple(pivot or ()),
                            profile=profile, models_dir=models_dir, device=device)
        max_chars = load_registry().decoding.max_segment_chars
        if source is not None:
            if not src_lang:
                raise fail("--source needs --src-lang (the language of the source text)")
            segments = segment_parallel(target, read_input(source), lang, src_lang, max_chars)
        else:
            segments = segment_text(target.text, lang, max_chars)
        stage = None if quiet else (lambda msg: typer.echo(f"tqcheck: {msg}", err=True))
        result = Checker(opts, on_stage=stage).check(segments, input_name=target.name)
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    render(result, fmt.value, sys.stdout)
    flags = [f for r in result.segments for f in r.flags]
    if fail_on is not FailOn.never and at_or_above(flags, fail_on.value):
        raise typer.Exit(EXIT_FLAGGED)


@models_app.command("list")
def models_list_command(models_dir: ModelsDir = None) -> None:
    """Show each configured pair, its model, and whether it is available locally."""
    from tqcheck.models import is_available, load_registry, models_dir_from_env, resolve

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
    from tqcheck.models import pull, resolve

    try:
        for pair in pairs:
            path = pull(resolve(pair))
            typer.echo(f"{pair}\t{path}")
    except TqcheckError as exc:
        raise fail(str(exc)) from None


def main() -> None:
    app()
