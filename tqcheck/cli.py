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


LangPair = Annotated[str | None, typer.Option(
    "--lang-pair", help="SRC-TGT, e.g. zh-en; guessed from names like mqm_ted_zhen.tsv.")]
Limit = Annotated[int | None, typer.Option("--limit", help="Use the first N system-segments.")]
Systems = Annotated[list[str] | None, typer.Option("--systems", help="Only these systems.")]
TargetOnly = Annotated[bool, typer.Option("--target-only",
                                          help="Ignore the sources: round trips only.")]
ModelFree = Annotated[bool, typer.Option(
    "--model-free", help="Only signals that need no translation model (rules, similarity).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
Device = Annotated[str, typer.Option(help="auto, cpu or cuda.")]
OutJson = Annotated[str | None, typer.Option("--out", "-o", help="Write figures as JSON.")]


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
    device: Device = "auto",
    model_free: ModelFree = False,
    quiet: Quiet = False,
) -> None:
    """Check one file: which sentences are awkward or lossy, and where."""
    from tqcheck.checker import Checker, CheckOptions, load_segments
    from tqcheck.render import render
    from tqcheck.scoring import at_or_above
    from tqcheck.segment import read_input

    if source is not None and not src_lang:
        raise fail("--source needs --src-lang (the language of the source text)")
    try:
        opts = CheckOptions(lang=lang, src_lang=src_lang, pivots=tuple(pivot or ()),
                            profile=profile, models_dir=models_dir, device=device,
                            model_free=model_free)
        target = read_input(file)
        segments = load_segments(target, opts,
                                 read_input(source) if source is not None else None)
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


def _load_mqm(path: str, lang_pair: str | None, limit: int | None,
              systems: list[str] | None, *, target_only: bool, model_free: bool, profile: str,
              models_dir: str | None, device: str):
    """The MQM segments of `path` and the EvalOptions to check them with."""
    from tqcheck.eval import EvalOptions, guess_lang_pair
    from tqcheck.mqm import read_mqm

    src, tgt = lang_pair.split("-", 1) if lang_pair else guess_lang_pair(path)
    mqm = read_mqm(path, systems=systems, limit=limit)
    if not mqm:
        raise fail(f"{path}: no segments (check --systems)")
    return mqm, EvalOptions(src_lang=src, lang=tgt, target_only=target_only,
                            model_free=model_free, profile=profile, models_dir=models_dir,
                            device=device)


def _progress(quiet: bool, total: int, what: str):
    """A transient progress bar on stderr; returns (context manager, advance callback)."""
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(disable=quiet, transient=True, console=Console(stderr=True))
    task = bar.add_task(what, total=total)
    return bar, lambda n: bar.advance(task, n)


def _write_json(out: str, signature: str, input_name: str, payload: dict) -> None:
    """Figures as JSON, headed by the version, signature and input like every result."""
    import json
    from pathlib import Path

    Path(out).write_text(json.dumps({"tqcheck_version": __version__, "signature": signature,
                                     "input": input_name, **payload}, indent=2) + "\n")


def _print_figures(title: str, fig: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_header=True)
    table.add_column("figure")
    table.add_column("value", justify="right")
    seg, sys_, binary = fig["segment"], fig["system"], fig["binary"]
    rows = [("system-segments", fig["n_segments"]), ("mean MQM", fig["mean_mqm"]),
            ("segment Pearson", seg["pearson"]), ("segment Spearman", seg["spearman"]),
            ("segment Kendall tau-b", seg["kendall_tau_b"]), ("segment acc-t", seg["acc_t"]),
            ("system pairwise accuracy", sys_["pairwise_accuracy"]),
            ("bad (MQM < -5) AUROC", binary["auroc"]), ("bad precision", binary["precision"]),
            ("bad recall", binary["recall"]), ("bad F1", binary["f1"])]
    for name, span in fig.get("span", {}).items():
        rows.append((f"span F1 {name}", span["f1"]))
    for name, value in rows:
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        table.add_row(name, shown)
    Console().print(table)


@app.command("eval")
def eval_command(
    mqm_file: Annotated[str, typer.Argument(help="MQM TSV (WMT format).")],
    lang_pair: LangPair = None, limit: Limit = None, systems: Systems = None,
    target_only: TargetOnly = False, model_free: ModelFree = False,
    models_dir: ModelsDir = None,
    profile: Annotated[str, typer.Option(help="Scoring profile.")] = "default",
    device: Device = "auto",
    out: OutJson = None,
    quiet: Quiet = False,
) -> None:
    """Measure how far tqcheck agrees with human MQM annotations."""

    from tqcheck.eval import figures, finite, run_checker

    try:
        mqm, opts = _load_mqm(mqm_file, lang_pair, limit, systems, target_only=target_only,
                              model_free=model_free, profile=profile, models_dir=models_dir,
                              device=device)
        bar, advance = _progress(quiet, len(mqm), f"checking {len(mqm)} segments")
        with bar:
            results, signature = run_checker(mqm, opts, advance)
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    fig = finite(figures(mqm, [r.risk for r in results], results))
    _print_figures(f"tqcheck eval {mqm_file}", fig)
    typer.echo(signature)
    if out:
        _write_json(out, signature, mqm_file, fig)


@app.command("calibrate")
def calibrate_command(
    mqm_file: Annotated[str, typer.Argument(help="MQM TSV (WMT format).")],
    name: Annotated[str, typer.Option("--name", help="Profile to write in configs/profiles/.")],
    lang_pair: LangPair = None, limit: Limit = None, systems: Systems = None,
    target_only: TargetOnly = False, model_free: ModelFree = False,
    models_dir: ModelsDir = None,
    base: Annotated[str, typer.Option(help="Profile to start from.")] = "default",
    folds: Annotated[int, typer.Option(help="Cross-validation folds (by document).")] = 5,
    device: Device = "auto",
    out: OutJson = None,
    quiet: Quiet = False,
) -> None:
    """Fit the risk weights to MQM judgments and write a profile for --profile NAME."""
    from pathlib import Path

    from tqcheck.eval import calibrate_run, finite, span_grid, write_profile

    try:
        mqm, opts = _load_mqm(mqm_file, lang_pair, limit, systems, target_only=target_only,
                              model_free=model_free, profile=base, models_dir=models_dir,
                              device=device)
        passes = 1 if model_free else 3 + len(span_grid())  # at most; fewer if nothing moved
        bar, advance = _progress(quiet, passes * len(mqm),
                                 f"{passes} passes over {len(mqm)} segments")
        with bar:
            cal, signature = calibrate_run(mqm, opts, folds, advance)
        path = write_profile(cal, name, base, note=f"Fitted on {Path(mqm_file).name}, "
                             f"{len(mqm)} segments, {'model-free' if model_free else 'models'}.")
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    before, after = finite(cal.heldout_before), finite(cal.heldout_after)
    _print_figures(f"held-out documents, profile {base}", before)
    _print_figures(f"held-out documents, calibrated ({folds}-fold by document)", after)
    if cal.spans:
        f1 = finite(cal.span_heldout)
        typer.echo(f"span thresholds {cal.spans}: held-out span F1 {f1['span_f1_before']} -> "
                   f"{f1['span_f1_after']}")
    typer.echo(f"wrote {path}")
    if out:
        _write_json(out, signature, mqm_file, {
            "profile": str(path), "weights": cal.weights, "bias": cal.bias,
            "spans": cal.spans, "span_heldout": finite(cal.span_heldout),
            "before": before, "after": after})


def main() -> None:
    app()
