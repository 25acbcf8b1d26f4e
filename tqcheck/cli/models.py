"""`tqcheck models list | pull`."""

from __future__ import annotations

from typing import Annotated

import typer

from tqcheck.cli.common import ModelsDir, command, exit_on_error, typer_app

models_app = typer_app(no_args_is_help=True, help="List and download translation models.")


@command(models_app, "list")
def models_list_command(models_dir: ModelsDir = None) -> None:
    """Show each configured pair, its model, and whether it is available locally."""
    from tqcheck.translate.hub import is_available, model_dir_problem
    from tqcheck.translate.registry import load_registry, models_dir_from_env, resolve

    with exit_on_error():
        pairs = set(load_registry().pairs)
        base = models_dir_from_env(models_dir)
        if base is not None and base.is_dir():
            pairs |= {p.name for p in base.iterdir() if p.is_dir() and "-" in p.name}
        for pair in sorted(pairs):
            spec = resolve(pair, models_dir)
            problem = model_dir_problem(spec.local_dir) if spec.local_dir else None
            state = ("available" if is_available(spec) else
                     f"unusable ({problem})" if problem else "missing")
            typer.echo(f"{pair}\t{state}\t{spec.model_id}")


@command(models_app, "pull")
def models_pull_command(
    pairs: Annotated[list[str], typer.Argument(help="Pairs such as en-fr fr-en.")],
) -> None:
    """Download models into the Hugging Face cache (needs network access)."""
    from tqcheck.translate.hub import pull
    from tqcheck.translate.registry import resolve

    with exit_on_error():
        for pair in pairs:
            typer.echo(f"{pair}\t{pull(resolve(pair))}")
