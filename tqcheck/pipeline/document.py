"""Checking one whole input (a file, stdin or a text) through the input pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tqcheck.check.options import CheckOptions
from tqcheck.errors import InputError
from tqcheck.inputs.files import AUTO, STDIN, InputFile, discover
from tqcheck.inputs.reader import ReadOptions, input_settings, read_items
from tqcheck.pipeline.checker import Checker
from tqcheck.translate.base import BackendFactory
from tqcheck.types import CheckResult, Problem, Segment


def read_document(f: InputFile, options: CheckOptions,
                  report: Callable[[Problem], None] | None = None
                  ) -> tuple[list[Segment], list[Problem]]:
    """The segments of one input and the problems met reading it; a skipped line is also
    passed to `report` as it is met (a whole file skipped is the error raised instead)."""
    if f.has_source and not options.src_lang:
        raise InputError("a source text needs its language (--src-lang)")
    problems: list[Problem] = []

    def collect(p: Problem) -> None:
        problems.append(p)
        if report is not None and p.line:
            report(p)

    opts = ReadOptions(options.lang, options.src_lang, input_settings())
    segments = [item.segment for item in read_items(f, opts, collect)]
    if not segments:
        why = "; ".join(f"line {p.line}: {p.message}" if p.line else p.message
                        for p in problems) or "the input is empty or only whitespace"
        raise InputError(f"{f.path}: no text to check ({why})")
    return segments, problems


def check_input(f: InputFile, options: CheckOptions, factory: BackendFactory | None = None,
                on_stage: Callable[[str], None] | None = None,
                report: Callable[[Problem], None] | None = None) -> CheckResult:
    """Check every readable segment of `f`; unusable lines are skipped and listed in the
    result's `problems` (and passed to `report` as they are met)."""
    segments, problems = read_document(f, options, report)
    name = "<stdin>" if f.path == STDIN and f.data is None else f.path
    checker = Checker(options, factory, on_stage)
    sources = checker.source_language()
    if sources is not None:
        for seg in segments:
            if sources.add(seg.source):
                break
        mismatch = sources.mismatch()
        if mismatch and report is not None:
            report(Problem(name, 0, mismatch))
    result = checker.check(segments, input_name=name)
    result.problems = problems
    return result


def check_file(path: str, options: CheckOptions, source: str | None = None,
               fmt: str = AUTO, factory: BackendFactory | None = None,
               on_stage: Callable[[str], None] | None = None,
               report: Callable[[Problem], None] | None = None) -> CheckResult:
    """Check one file (`-` for stdin), optionally with its line-aligned source file."""
    if path != STDIN and Path(path).is_dir():
        raise InputError(f"{path}: is a directory; check takes one file (`tqcheck score` "
                         "reads directories)")
    skipped: list[Problem] = []
    found = discover([path], fmt=fmt, source=source, skipped=skipped)
    if not found:
        raise InputError(f"{skipped[0].path}: {skipped[0].message.removesuffix('; skipped')}")
    return check_input(replace(found[0], path=path), options, factory, on_stage, report)


def check_text(text: str, options: CheckOptions, source: str | None = None,
               factory: BackendFactory | None = None, name: str = "-") -> CheckResult:
    """Check a whole text (and optionally its line-aligned source) in one call."""
    return check_input(InputFile.in_memory(name, text, source), options, factory)
