"""`tqcheck checks`: every check, built-in or plugin, and whether this run would use it."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Annotated

import typer

from tqcheck.check.options import CheckOptions
from tqcheck.cli.common import STDOUT, Checklists, Lang, ModelFree, Profile, SrcLang, writing


def checks_command(
    lang: Lang = CheckOptions.lang,
    src_lang: SrcLang = None,
    profile: Profile = CheckOptions.profile,
    model_free: ModelFree = False,
    checklist: Checklists = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per check, in run "
                                          "order (a JSON array).")] = False,
) -> None:
    """List every check: name, languages, needs, category, severity, whether it runs.

    "runs" is for the language, profile and options given (the same as for `check`); a
    check that needs a source runs only on segments that have one. Plugins are installed
    distributions with an entry point in the group `tqcheck.checks`.
    """
    from tqcheck.check.environment import CheckEnv
    from tqcheck.check.profile import load_profile
    from tqcheck.pipeline.registry import info, plan

    options = CheckOptions(lang=lang, src_lang=src_lang, profile=profile,
                           model_free=model_free, checklists=tuple(checklist or ()))
    chosen = load_profile(profile)
    rows = [info(p) for p in plan(CheckEnv.build(options, chosen))]
    with writing(STDOUT):
        if as_json:
            json.dump([dataclasses.asdict(r) for r in rows], sys.stdout, indent=2,
                      ensure_ascii=False)
            sys.stdout.write("\n")
            return
        from tqcheck.output.tables import print_checks

        print_checks(rows, lang, profile)
        learned = chosen.span_model
        if learned is not None:
            typer.echo(f"\nProfile {profile} adds the learned span decision (spans:learned): "
                       f"words at least {learned.threshold:.0%} likely in an error by these "
                       f"checks' flags, the sentence encoder and {', '.join(learned.candidates)} "
                       f"(whose flags inform it and are not shown). Fitted on: "
                       f"{learned.fitted_on or 'not said'}.")
