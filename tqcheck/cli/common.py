"""What every command shares: exit codes, the one place errors become exit code 2, the
choices that are checked before any work starts, and the options several commands take."""

from __future__ import annotations

import copy
import dataclasses
import errno
import functools
import inspect
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from tqcheck.check.environment import DIALECTS
from tqcheck.errors import TqcheckError
from tqcheck.translate.base import BackendSettings

EXIT_OK, EXIT_FLAGGED, EXIT_ERROR = 0, 1, 2
STDOUT = "standard output"  # the name `writing` gives standard output


def fail(message: str) -> typer.Exit:
    typer.echo(f"tqcheck: error: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def os_error_message(exc: OSError) -> str:
    """'PATH: reason' for an OSError, in the words a user can act on."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device; the output is incomplete"
    return f"{exc.filename}: {reason}" if exc.filename is not None else reason


@contextmanager
def writing(name: str) -> Iterator[None]:
    """Name `name` in an OSError raised while writing to it (writes carry no file name).
    Standard output closed by its reader (`tqcheck check FILE | head`) ends the writing
    quietly, and the command goes on to its exit code, which means what it always does."""
    try:
        yield
    except BrokenPipeError:
        if name != STDOUT:
            raise
        # the rest is not wanted: later writes (and the flush at exit) go nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError as exc:
        if exc.filename is None:
            exc.filename = name
        raise


@contextmanager
def exit_on_error() -> Iterator[None]:
    """Library and OS errors become one line on stderr and exit code 2, never a traceback
    (exit code 1 means "flags found" to CI)."""
    try:
        yield
    except TqcheckError as exc:
        raise fail(str(exc)) from None
    except BrokenPipeError:
        raise  # a closed pipe is handled once, in tqcheck.cli.main
    except OSError as exc:
        raise fail(os_error_message(exc)) from None


# -- help texts: real types, click-style usage ----------------------------------------------

_TYPE_WORDS = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "Path": "PATH"}


def _type_label(param: TyperOption) -> str | None:
    """What the help shows for an option's value: its metavar, its choices, or a type word
    (TEXT, INTEGER, FLOAT); nothing for a flag."""
    if param.metavar is not None:
        return param.metavar or None
    if param.is_flag:
        return None
    desc = param.type_descriptor
    if desc.is_choice and desc.choices:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices) + "]"
    word = param.bare_type().removeprefix("list[").removesuffix("]")
    return _TYPE_WORDS.get(word, word.upper())


class _Argument(TyperArgument):
    @property
    def display_name_raw(self) -> str:
        return self.metavar or (self.name or "").upper()

    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the argument's name (its metavar) says what it is

    def _usage_display_name(self) -> str:
        name = self.display_name_raw + ("..." if self.nargs != 1 else "")
        return name if self.required else f"[{name}]"


class _Option(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        label = _type_label(self)
        return f"{label}..." if label and self.nargs != 1 else label

    def process_value(self, ctx: Any, value: Any) -> Any:
        try:
            return super().process_value(ctx, value)
        except typer.BadParameter as exc:  # the validator's "Value error, " says nothing
            exc.message = re.sub(r"^(?:Value|Assertion) error, ", "", exc.message)
            raise


def _version_option(ctx: Any) -> list[Any]:
    """`tqcheck`'s own --version, for a command (as every sacrebleu command answers it)."""
    root = ctx.find_root().command
    found = [p for p in getattr(root, "params", []) if p.name == "version"]
    if not found or root is ctx.command:
        return []
    option = copy.copy(found[0])
    option.expose_value = False  # (the command takes no such argument)
    return [option]


# -h is --help, everywhere.
CONTEXT = {"help_option_names": ["-h", "--help"]}


def _relabel(params: list[Any]) -> list[Any]:
    for p in params:
        if type(p) is TyperArgument:
            p.__class__ = _Argument
        elif type(p) is TyperOption:
            p.__class__ = _Option
    return params


class Command(TyperCommand):
    """A typer command whose errors, wherever they arise (writing the output included),
    become exit code 2 and one line (`exit_on_error`), and whose help shows value types as
    click does (FILE, LANG, [a|b]), not typer's <str>, <bool> and {file}."""

    def invoke(self, ctx: Any) -> Any:
        with exit_on_error():
            return super().invoke(ctx)

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        return _relabel([*params[:-1], *_version_option(ctx), params[-1]])  # (--help last)


class Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _relabel(super().get_params(ctx))


def typer_app(**kwargs: Any) -> typer.Typer:
    """A typer app whose commands and groups use the help labels above."""
    return typer.Typer(cls=Group, context_settings=CONTEXT, **kwargs)


def command(app: typer.Typer, name: str) -> Any:
    return app.command(name, cls=Command)


# -- choices, validated (case-insensitively) before any work ---------------------------------

# (values as the user types them; the functional form: one line a choice)
CheckFormat = StrEnum("CheckFormat", {v: v for v in ("text", "json", "jsonl", "tsv")})
ExportFormat = StrEnum("ExportFormat", {v: v for v in ("json", "jsonl", "csv", "tsv")})
FailOn = StrEnum("FailOn", {"major": "Major", "minor": "Minor", "never": "never"})
BackendKind = StrEnum("BackendKind", {v: v for v in ("torch", "ct2")})
EngineKind = StrEnum("EngineKind", {v: v for v in ("local", "processes", "ray")})
ComputeType = StrEnum("ComputeType", {v: v for v in (
    "auto", "int8", "int8_float32", "int8_float16", "float16", "float32")})
InputFormat = StrEnum("InputFormat", {v: v for v in ("auto", "text", "tsv", "jsonl")})
DialectChoice = StrEnum("DialectChoice", {v: v for v in DIALECTS})


DEFAULT_BACKEND = BackendKind(BackendSettings.kind)
DEFAULT_COMPUTE_TYPE = ComputeType(BackendSettings.compute_type)

_LANG = re.compile(r"([A-Za-z]{2,3})((?:[-_][A-Za-z]{2,4})?)")


def _lang(value: str) -> str:
    """A language code (ISO 639-1 or -3, optionally with a script or region: zh, toy,
    pt-BR); anything else is refused before any work."""
    m = _LANG.fullmatch(value.strip())
    if m is None:
        raise typer.BadParameter(f"{value!r} is not a language code (e.g. en, fr, zh)")
    return m.group(1).lower() + m.group(2)  # FR = fr, as every choice is case-insensitive


def _budget(value: str) -> Any:
    from tqcheck.check.options import Budget

    try:
        return Budget.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


_DEVICE = re.compile(r"auto|cpu|cuda(:\d+)?", re.IGNORECASE)


def _device(value: str) -> str:
    if not _DEVICE.fullmatch(value.strip()):
        raise typer.BadParameter(f"{value!r} is not a device; use auto, cpu, cuda or cuda:N")
    return value.strip().lower()


# -- options several commands take ---------------------------------------------------------

ModelsDir = Annotated[str | None, typer.Option(
    "--models-dir", envvar="TQCHECK_MODELS_DIR", metavar="DIR",
    help="Directory with DIR/<src>-<tgt>/ saved Marian models; used before the hub.")]
ModelFree = Annotated[bool, typer.Option(
    "--model-free", help="Only signals that need no translation model (rules, similarity).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q",
                                     help="No progress display on stderr (log lines only).")]
Device = Annotated[str, typer.Option(parser=_device, metavar="DEVICE",
                                     help="auto, cpu, cuda or cuda:N.")]
Profile = Annotated[str, typer.Option(metavar="NAME|FILE", help="Scoring profile: a name "
                                      "(the user's profiles, then the shipped ones) or a path.")]
Lang = Annotated[str, typer.Option("--lang", "-l", metavar="LANG", parser=_lang,
                                   help="Language of the text to check.")]
SrcLang = Annotated[str | None, typer.Option(
    "--src-lang", metavar="LANG", parser=_lang,
    help="Language of the source (needed with --source).")]
Pivots = Annotated[list[str] | None, typer.Option(
    "--pivot", "-p", metavar="LANG", parser=_lang,
    help="Pivot language for round trips; repeatable.")]
RunArg = Annotated[str, typer.Argument(metavar="RUN_DB",
                                       help="Run database written by `tqcheck score`.")]
Reviewer = Annotated[str | None, typer.Option(
    "--reviewer", envvar="TQCHECK_REVIEWER", metavar="NAME", help="Name stored with each "
    "decision (default: $TQCHECK_REVIEWER or the login name).")]
Dialect = Annotated[DialectChoice | None, typer.Option(
    "--dialect", case_sensitive=False, help="English spelling accepted: any (American and "
    "British), us, gb, au, ca, in (default: the profile's).")]
Dictionaries = Annotated[list[str] | None, typer.Option(
    "--dictionary", metavar="FILE", help="Word file (one word per line) added to the "
    "spelling dictionary; repeatable.")]
Checklists = Annotated[list[str] | None, typer.Option(
    "--checklist", metavar="NAME|FILE", help="Checklist (TOML file, or the name of a "
    "shipped one) added to the profile's; repeatable.")]


BudgetOption = Annotated[Any, typer.Option(
    "--budget", parser=_budget, metavar="FRACTION|auto",
    help="Spend the model passes on the segments a cheap screening (the model-free checks; "
    "with sources also forced decoding; without, a greedy translation to the first pivot "
    "and forced decoding back) ranks riskiest: "
    "this share of them (0.3 or 30%), or auto (those the spans decision puts in its medium "
    "and high risk bands), "
    "plus every one with a number, name or negation flag; the others keep the screening's "
    "result, marked screened. Pivots then run in order: the later ones only where the first "
    "round trip leaves doubt. Default: every segment, every pivot.")]


CacheDir = Annotated[str | None, typer.Option(
    "--cache-dir", envvar="TQCHECK_CACHE_DIR", metavar="DIR",
    help="Translation cache directory (default: the user cache directory).")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not use the translation cache.")]
Beams = Annotated[int | None, typer.Option(
    "--beams", min=1, metavar="N", help="Beam size of the translations (1: greedy search; "
    "default: configs/models.toml [decoding] num_beams).")]
Strict = Annotated[bool | None, typer.Option(
    "--strict/--no-strict", help="A check that fails on a segment stops the run (default: "
    "a warning, the segment scored by the other checks; $TQCHECK_STRICT=1 makes it strict).")]


def dialect_value(dialect: DialectChoice | None) -> str | None:
    return None if dialect is None else dialect.value


@dataclass(frozen=True)
class SharedOptions:
    """The options every checking command takes (check, score, eval, calibrate): declared
    once (`shared_options`), assembled into a CheckOptions once (`check_options`)."""

    models_dir: str | None = None
    device: str = BackendSettings.device
    model_free: bool = False
    dialect: DialectChoice | None = None
    dictionary: list[str] | None = None
    checklist: list[str] | None = None
    strict: bool | None = None
    cache_dir: str | None = None
    no_cache: bool = False
    beams: int | None = None

    def backend(self, **settings: Any) -> BackendSettings:
        """The backend settings of the shared options (device, cache) and `settings`."""
        return BackendSettings(device=self.device, cache=not self.no_cache,
                               cache_dir=self.cache_dir, **settings)

    def check_options(self, lang: str, src_lang: str | None = None, *, profile: str,
                      pivot: list[str] | None = None, backend: BackendSettings | None = None,
                      similarity: bool = True, budget: Any = None) -> Any:
        """The CheckOptions of a command (lists to tuples, choices to values, unset options
        to the library's defaults)."""
        from tqcheck.check.options import CheckOptions

        return CheckOptions(
            lang=lang, src_lang=src_lang, pivots=tuple(pivot or ()), profile=profile,
            models_dir=self.models_dir, backend=backend or self.backend(),
            model_free=self.model_free, similarity=similarity,
            dialect=dialect_value(self.dialect), dictionaries=tuple(self.dictionary or ()),
            checklists=tuple(self.checklist or ()), budget=budget, beams=self.beams,
            **({} if self.strict is None else {"strict": self.strict}))


_SHARED_TYPES: dict[str, Any] = {
    "models_dir": ModelsDir, "device": Device, "model_free": ModelFree, "dialect": Dialect,
    "dictionary": Dictionaries, "checklist": Checklists, "strict": Strict,
    "cache_dir": CacheDir, "no_cache": NoCache, "beams": Beams}


def shared_options(fn: Callable[..., None]) -> Callable[..., None]:
    """Decorator: the command takes the shared options too (its help lists them after its
    own), and `fn` receives them as one `shared: SharedOptions` argument."""
    own = [p for p in inspect.signature(fn, eval_str=True).parameters.values()
           if p.name != "shared"]
    extra = [inspect.Parameter(f.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                               default=f.default, annotation=_SHARED_TYPES[f.name])
             for f in dataclasses.fields(SharedOptions)]

    @functools.wraps(fn)
    def command(**kwargs: Any) -> None:
        shared = SharedOptions(**{f.name: kwargs.pop(f.name)
                                  for f in dataclasses.fields(SharedOptions)})
        fn(shared=shared, **kwargs)

    command.__signature__ = inspect.Signature([*own, *extra])  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in [*own, *extra]}
    return command
