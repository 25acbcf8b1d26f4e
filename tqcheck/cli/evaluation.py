"""Measuring against human judgments: `tqcheck eval` and `tqcheck calibrate`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tqcheck.check.options import CheckOptions
from tqcheck.cli.common import (
    Pivots,
    Profile,
    Quiet,
    SharedOptions,
    exit_on_error,
    fail,
    shared_options,
)
from tqcheck.version import __version__

MQMFile = Annotated[str, typer.Argument(metavar="MQM_TSV", help="MQM TSV (WMT format).")]
LangPair = Annotated[str | None, typer.Option(
    "--lang-pair", metavar="SRC-TGT",
    help="e.g. zh-en; guessed from names like mqm_ted_zhen.tsv.")]
Limit = Annotated[int | None, typer.Option("--limit", metavar="N", min=1,
                                           help="Use the first N system-segments.")]
Systems = Annotated[list[str] | None, typer.Option("--systems", metavar="NAME",
                                                  help="Only these systems; repeatable.")]
TargetOnly = Annotated[bool, typer.Option("--target-only",
                                          help="Ignore the sources: round trips only.")]
OutJson = Annotated[str | None, typer.Option("--out", "-o", metavar="FILE",
                                             help="Write figures as JSON.")]


def _load_mqm(path: str, lang_pair: str | None, limit: int | None,
              systems: list[str] | None, target_only: bool, shared: SharedOptions,
              profile: str) -> tuple[list[Any], Any]:
    """The MQM segments of `path` and the EvalOptions to check them with."""
    from tqcheck.evaluation.figures import EvalOptions
    from tqcheck.evaluation.mqm import guess_lang_pair, parse_lang_pair, read_mqm

    src, tgt = parse_lang_pair(lang_pair) if lang_pair else guess_lang_pair(path)
    mqm = read_mqm(path, systems=systems, limit=limit)
    if not mqm:
        raise fail(f"{path}: no segments (check --systems)")
    return mqm, EvalOptions(shared.check_options(tgt, src, profile=profile),
                            target_only=target_only)


def _write_json(out: str, signature: object, input_name: str, payload: dict) -> None:
    """Figures as JSON, headed by the version, signature and input like every result."""
    import json
    from pathlib import Path

    Path(out).write_text(json.dumps({"tqcheck_version": __version__,
                                     "signature": str(signature), "input": input_name,
                                     **payload}, indent=2) + "\n")


@shared_options
def eval_command(
    shared: SharedOptions,
    mqm_file: Annotated[str | None, typer.Argument(
        metavar="[MQM_TSV]", help="MQM TSV (WMT format); or use --spans.")] = None,
    spans: Annotated[str | None, typer.Option(
        "--spans", metavar="FILE", help="Expert error spans in the WMT QE Task 2 format "
        "(../shared/data/qe-spans): span P/R/F1 as the shared task scores it and sentence "
        "Spearman, beside flagging every character.")] = None,
    lang_pair: LangPair = None, limit: Limit = None, systems: Systems = None,
    target_only: TargetOnly = False,
    profile: Profile = CheckOptions.profile,
    clean: Annotated[str | None, typer.Option(
        "--clean", metavar="FILE", help="Human-written text in the target language, taken "
        "to be free of errors: its flags per 100 segments are the false-alarm rate.")] = None,
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", metavar="N", min=0, help="Resamples (by item) for the 95 % intervals, "
        "and permutations for --compare; 0: none.")] = 1000,
    compare: Annotated[tuple[str, str] | None, typer.Option(
        "--compare", metavar="PROFILE_A PROFILE_B", help="Score with both profiles and test "
        "whether their figures differ (paired permutation test).")] = None,
    out: OutJson = None,
    quiet: Quiet = False,
) -> None:
    """Measure how far tqcheck agrees with human MQM annotations, with 95 % intervals
    (or with expert error spans, --spans)."""
    from dataclasses import replace

    from tqcheck.cli.progress import counting_bar
    from tqcheck.evaluation.figures import false_alarms, figures, finite, run_checker
    from tqcheck.output.tables import print_figures
    from tqcheck.pipeline.document import check_file

    if (mqm_file is None) == (spans is None):
        raise fail("give an MQM TSV file or --spans FILE (one of them)")
    if spans is not None:
        _eval_spans(spans, shared, lang_pair, limit, profile, out, quiet)
        return
    assert mqm_file is not None
    if compare is not None:
        _compare(mqm_file, compare, bootstrap, out, quiet, lang_pair=lang_pair, limit=limit,
                 systems=systems, target_only=target_only, shared=shared)
        return

    with exit_on_error():
        mqm, opts = _load_mqm(mqm_file, lang_pair, limit, systems, target_only, shared, profile)
        bar, advance = counting_bar(quiet, len(mqm), f"checking {len(mqm)} segments")
        with bar:
            results, signature = run_checker(mqm, opts, advance)
        bar, advance = counting_bar(quiet, bootstrap, f"{bootstrap} bootstrap resamples")
        with bar:
            fig = figures(mqm, [r.risk for r in results], results, bootstrap, advance)
        if clean:
            human = check_file(clean, replace(opts.check_options(), src_lang=None,
                                              similarity=False))
            fig["clean"] = {"file": clean, **false_alarms(human.segments)}
        fig = finite(fig)
    print_figures(f"tqcheck eval {mqm_file}", fig)
    typer.echo(str(signature))
    if out:
        _write_json(out, signature, mqm_file, fig)


def _eval_spans(path: str, shared: SharedOptions, lang_pair: str | None, limit: int | None,
                profile: str, out: str | None, quiet: bool) -> None:
    """`eval --spans FILE`: the checker's flags and risk against expert error spans."""
    from tqcheck.cli.progress import counting_bar
    from tqcheck.evaluation.mqm import guess_lang_pair, parse_lang_pair
    from tqcheck.evaluation.qespans import evaluate_spans, read_spans

    with exit_on_error():
        src, tgt = parse_lang_pair(lang_pair) if lang_pair else guess_lang_pair(path)
        total = len(read_spans(path))
        total = min(total, limit) if limit else total
        bar, advance = counting_bar(quiet, total, f"checking {total} segments")
        with bar:
            figures, signature = evaluate_spans(
                path, shared.check_options(tgt, src, profile=profile), limit, advance)
    from tqcheck.output.tables import print_span_figures

    print_span_figures(f"tqcheck eval --spans {path} ({src}-{tgt})", figures)
    typer.echo(str(signature))
    if out:
        _write_json(out, signature, path, figures)


def _compare(mqm_file: str, profiles: tuple[str, str], permutations: int, out: str | None,
             quiet: bool, lang_pair: str | None, limit: int | None,
             systems: list[str] | None, target_only: bool, shared: SharedOptions) -> None:
    """`eval --compare A B`: both profiles on the same segments, and whether they differ."""
    from tqcheck.cli.progress import counting_bar
    from tqcheck.evaluation.figures import DEFINITIONS, Agreement, compare, finite, run_checker
    from tqcheck.output.tables import print_comparison

    runs = []
    for profile in profiles:
        mqm, opts = _load_mqm(mqm_file, lang_pair, limit, systems, target_only, shared, profile)
        bar, advance = counting_bar(quiet, len(mqm), f"profile {profile}: {len(mqm)} segments")
        with bar:
            results, signature = run_checker(mqm, opts, advance)
        runs.append((Agreement.of(mqm, [r.risk for r in results]), signature))
    bar, advance = counting_bar(quiet, permutations, f"{permutations} permutations")
    with bar:
        table = finite(compare(runs[0][0], runs[1][0], permutations, progress=advance))
    print_comparison(f"tqcheck eval {mqm_file}: {profiles[0]} (a) vs {profiles[1]} (b)", table)
    for (_, signature), profile in zip(runs, profiles, strict=True):
        typer.echo(f"{profile}: {signature}")
    if out:
        _write_json(out, runs[0][1], mqm_file, {
            "profiles": list(profiles), "signature_b": str(runs[1][1]),
            "permutations": permutations, "definition": DEFINITIONS["compare"],
            "compare": table})


@shared_options
def calibrate_command(
    shared: SharedOptions,
    name: Annotated[str, typer.Option(
        "--name", metavar="NAME", help="Profile to write: profiles/NAME.toml in the user "
        "configuration directory ($TQCHECK_CONFIG_DIR or e.g. ~/.config/tqcheck); "
        "--profile NAME uses it.")],
    mqm_file: Annotated[str | None, typer.Argument(
        metavar="[MQM_TSV]", help="MQM TSV (WMT format); or use --from-run.")] = None,
    from_run: Annotated[list[str] | None, typer.Option(
        "--from-run", metavar="RUN", help="Learn from the review decisions in this run "
        "database instead of MQM; repeatable.")] = None,
    spans: Annotated[list[str] | None, typer.Option(
        "--spans", metavar="FILE", help="Fit the learned span decision on expert error "
        "spans in the WMT QE Task 2 format (docs/evaluation.md) instead; repeatable "
        "(--limit N: N segments spread over each file).")] = None,
    choose: Annotated[list[str] | None, typer.Option(
        "--choose", metavar="FILE", help="--spans: choose the thresholds on these span "
        "files (annotations not fitted on); without, on the fitted files themselves.")
    ] = None,
    pivot: Pivots = None,
    lang_pair: LangPair = None, limit: Limit = None, systems: Systems = None,
    target_only: TargetOnly = False,
    base: Annotated[str, typer.Option(metavar="NAME|FILE", help="Profile to start from.")
                    ] = CheckOptions.profile,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds (by document).")
                     ] = 5,
    force: Annotated[bool, typer.Option(
        "--force", help="--from-run: write the profile even when the reviews change "
        "nothing.")] = False,
    out: OutJson = None,
    quiet: Quiet = False,
) -> None:
    """Fit the risk weights to MQM judgments (or tune a profile by reviewers' decisions,
    --from-run; or fit the learned span decision on span annotations, --spans) and write a
    profile for --profile NAME."""
    from pathlib import Path

    if sum((mqm_file is not None, bool(from_run), bool(spans))) != 1:
        raise fail("give one of: an MQM TSV file, --from-run RUN, --spans FILE")
    if (choose or pivot) and not spans:
        raise fail("--choose and --pivot go with --spans")
    if spans:
        _calibrate_spans(spans, choose or [], name, base, lang_pair, limit, out, quiet,
                         shared.check_options("en", profile=base, pivot=pivot))
        return
    if from_run:
        _calibrate_from_runs(from_run, name, base, out, force)
        return

    from tqcheck.cli.progress import counting_bar
    from tqcheck.evaluation.calibrate import (
        calibrate_run,
        calibrated_profile,
        check_profile_name,
        span_grid,
        write_profile,
    )
    from tqcheck.evaluation.figures import finite
    from tqcheck.output.tables import print_figures

    with exit_on_error():
        mqm, opts = _load_mqm(mqm_file, lang_pair, limit, systems, target_only, shared, base)
        note = (f"Fitted on {Path(mqm_file).name}, {len(mqm)} segments, "
                f"{'model-free' if shared.model_free else 'models'}.")
        check_profile_name(name)  # before the work, not after it
        passes = 1 if shared.model_free else 3 + len(span_grid())  # at most; fewer if nothing moved
        bar, advance = counting_bar(quiet, passes * len(mqm),
                                    f"{passes} passes over {len(mqm)} segments")
        with bar:
            cal, signature = calibrate_run(mqm, opts, folds, advance)
        path = write_profile(calibrated_profile(cal, name, base, note))
    before, after = finite(cal.heldout_before), finite(cal.heldout_after)
    print_figures(f"held-out documents, profile {base}", before)
    print_figures(f"held-out documents, calibrated ({folds}-fold by document)", after)
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


def _calibrate_from_runs(runs: list[str], name: str, base: str, out: str | None,
                         force: bool) -> None:
    from tqcheck.check.profile import load_profile
    from tqcheck.evaluation.calibrate import check_profile_name, write_profile
    from tqcheck.evaluation.reviews import calibrate_from_runs
    from tqcheck.output.tables import print_review_calibration

    with exit_on_error():
        check_profile_name(name)
        note = (f"Tuned by tqcheck {__version__} calibrate --from-run on the review "
                f"decisions of {', '.join(runs)}.")
        profile, report = calibrate_from_runs(runs, load_profile(base), name, note)
        print_review_calibration(report)
        if not report["changed"] and not force:
            typer.echo(f"no change: the reviews leave profile {base} as it is; nothing "
                       "written (--force writes it under the new name all the same)")
            path = None
        else:
            path = write_profile(profile)
            typer.echo(f"wrote {path}")
        if out:
            _write_json(out, f"profile:{name}@{profile.fingerprint()}", ",".join(runs),
                        {"profile": str(path) if path else None, **report})


def _calibrate_spans(files: list[str], choose: list[str], name: str, base: str,
                     lang_pair: str | None, limit: int | None, out: str | None,
                     quiet: bool, options: CheckOptions) -> None:
    from pathlib import Path

    from tqcheck.check.profile import load_profile
    from tqcheck.cli.progress import counting_bar
    from tqcheck.evaluation.calibrate import check_profile_name, write_profile
    from tqcheck.evaluation.mqm import parse_lang_pair
    from tqcheck.evaluation.qespans import read_spans
    from tqcheck.evaluation.spanfit import fit_span_model, span_profile, span_tables

    with exit_on_error():
        check_profile_name(name)  # before the work, not after it
        start = load_profile(base)
        pair = parse_lang_pair(lang_pair) if lang_pair else None
        sizes = {f: len(read_spans(f)) for f in [*files, *choose]}
        total = 2 * sum(min(n, limit or n) for n in sizes.values())
        bar, advance = counting_bar(quiet, total, f"checking {total // 2} annotated segments "
                                    "with their sources and without")
        with bar:  # one decision for runs with sources and without
            fit = span_tables(files, pair, start, limit, advance, options)
            held = span_tables(choose, pair, start, limit, advance, options)
        note = (f"tqcheck {__version__} calibrate --spans "
                f"({'model-free' if options.model_free else 'with the models'}) on "
                f"{', '.join(Path(f).name for f in files)}"
                + (f"; thresholds chosen on {', '.join(Path(f).name for f in choose)}"
                   if choose else "; thresholds chosen on the same files (no --choose)"))
        model = fit_span_model(fit, held or fit, note)
        path = write_profile(span_profile(model, name, start, f"Calibrated: {note}."))
    for file, fig in model.heldout["figures"].items():
        typer.echo(f"{file}: span P {fig['precision']:.3f} R {fig['recall']:.3f} "
                   f"F1 {fig['f1']:.3f} (flag every character {fig['baseline_f1']:.3f})")
    typer.echo(f"threshold {model.threshold}, Major from {model.major_threshold}; wrote {path}")
    if out:
        _write_json(out, f"profile:{name}", ",".join(files), {
            "profile": str(path), "span_model": model.to_table()})
