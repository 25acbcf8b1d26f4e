"""Third-party checks through the `tqcheck.checks` entry point, and fault isolation in the
commands: a distribution made in a temporary directory (a module and its .dist-info with
entry_points.txt, as pip installs one) is found on the path of a `tqcheck` subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN = '''
"""A plugin of two checks: capitals shouted, and one that fails on "BOOM"."""
from tqcheck.check.base import Check
from tqcheck.types import Flag


class Shouting(Check):
    name = "acme:shouting"
    category = "Fluency/Punctuation"
    description = "a word of five or more capitals"

    def flags(self, ctx):
        import re
        return [Flag(m.start(), m.end(), "Fluency/Punctuation", "Minor", "shouting",
                     signal=self.name) for m in re.finditer(r"\\b[A-Z]{5,}\\b", ctx.text)]


class Fragile(Check):
    name = "acme:fragile"
    languages = frozenset({"en"})
    category = "Fluency/Grammar"
    description = "fails on a segment that says BOOM"

    def flags(self, ctx):
        if "BOOM" in ctx.text:
            raise RuntimeError("cannot parse " + ctx.text[:10])
        return []
'''


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("site")
    (base / "acme_checks.py").write_text(textwrap.dedent(PLUGIN))
    info = base / "acme_checks-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-checks\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[tqcheck.checks]\nshouting = acme_checks:Shouting\nfragile = acme_checks:Fragile\n")
    return base


def _run(args: list[str], plugin: Path, cwd: Path, strict: bool = False
         ) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{plugin}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "TQCHECK_STRICT": "1" if strict else "0"}
    return subprocess.run([sys.executable, "-m", "tqcheck", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


def test_a_plugin_check_is_listed_and_runs_like_a_builtin(plugin_path: Path,
                                                          tmp_path: Path) -> None:
    listed = _run(["checks", "--json"], plugin_path, tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["acme:shouting"]["origin"] == "acme-checks==0.1"
    assert rows["acme:shouting"]["runs"] and rows["acme:shouting"]["family"] == "acme"
    text = tmp_path / "in.txt"
    text.write_text("The minister said it LOUDLY today.\n")
    done = _run(["check", str(text), "--model-free", "-f", "json", "--fail-on", "never", "-q"],
                plugin_path, tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    flags = result["segments"][0]["flags"]
    assert [f["signal"] for f in flags if f["signal"].startswith("acme:")] == ["acme:shouting"]
    assert "plugins:acme:fragile@acme-checks==0.1,acme:shouting@acme-checks==0.1" in \
        result["signature"]
    # switched off in a profile exactly like a built-in
    import tomllib

    import tomli_w

    profile = tmp_path / "quiet.toml"
    shipped = Path(__file__).resolve().parent.parent / "configs" / "profiles" / "default.toml"
    table = tomllib.loads(shipped.read_text("utf-8"))
    table["rules"]["signals_off"] = [*table["rules"]["signals_off"], "acme:shouting"]
    profile.write_text(tomli_w.dumps(table), "utf-8")
    off = _run(["checks", "--json", "--profile", str(profile)], plugin_path, tmp_path)
    assert not {r["name"]: r for r in json.loads(off.stdout)}["acme:shouting"]["runs"]


def test_a_failing_check_costs_a_warning_in_check_not_the_run(plugin_path: Path,
                                                              tmp_path: Path) -> None:
    text = tmp_path / "in.txt"
    text.write_text("The talks ended.\nThen BOOM came.\nAnd BOOM again.\nThe end the the.\n")
    done = _run(["check", str(text), "--model-free", "-f", "json", "-q"], plugin_path,
                tmp_path)
    assert done.returncode == 0, done.stderr  # no Major flag: exit code as usual
    result = json.loads(done.stdout)
    assert len(result["segments"]) == 4
    assert [(f["check"], f["line"]) for f in result["failures"]] == [
        ("acme:fragile", 2), ("acme:fragile", 3)]
    assert any(f["signal"] == "rules:repetition" for f in result["segments"][3]["flags"])
    warnings = [line for line in done.stderr.splitlines() if "acme:fragile failed" in line]
    assert len(warnings) == 1 and f"{text}:2: check acme:fragile failed" in warnings[0]
    assert "RuntimeError: cannot parse" in warnings[0]
    strict = _run(["check", str(text), "--model-free", "-q", "--strict"], plugin_path,
                  tmp_path)
    assert strict.returncode == 2 and "acme:fragile failed" in strict.stderr
    assert "Traceback" not in strict.stderr


def test_a_failing_check_is_a_problem_of_the_score_run(plugin_path: Path,
                                                       tmp_path: Path) -> None:
    text = tmp_path / "in.txt"
    text.write_text("The talks ended.\nThen BOOM came.\nAnd BOOM again.\nThe end.\n")
    db = tmp_path / "run.sqlite"
    done = _run(["score", str(text), "--db", str(db), "--model-free", "-q"], plugin_path,
                tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("acme:fragile failed") == 1
    with sqlite3.connect(db) as conn:
        segments = conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
        problems = conn.execute("SELECT path, line, message FROM problems").fetchall()
        notes = conn.execute("SELECT notes FROM segments WHERE text LIKE '%BOOM%'").fetchall()
    assert segments == 4
    assert [(p[1], "acme:fragile failed" in p[2]) for p in problems] == [(2, True), (3, True)]
    assert all(Path(p[0]).name == "in.txt" for p in problems)
    assert all("acme:fragile failed" in n[0] for n in notes)
