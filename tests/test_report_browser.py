"""The HTML report in headless Chromium: it renders, its own script runs, injected markup
does not, and the console stays clean."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_review import make_run

from tqcheck.output.report import write_report
from tqcheck.run.decisions import Review
from tqcheck.run.records import SegmentKey
from tqcheck.run.rundb import RunDB

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile{len(list(tmp_path.glob('profile*')))}"
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_report_in_chromium(tmp_path: Path) -> None:
    _, db = make_run(tmp_path)
    Review(RunDB(db, mode="write"), reviewer="ana").decide(SegmentKey(1, 0), "confirm")
    page = write_report(RunDB(db, mode="write"), tmp_path / "report.html")
    url = page.resolve().as_uri()
    res = chromium(tmp_path, "--dump-dom", url)
    dom = res.stdout
    assert "<table id=\"segments\"" in dom, res.stderr[-2000:]
    # The page's own script ran: it filled in how many rows match the filters.
    shown = re.search(r'<span id="shown">(\d+)</span>', dom)
    assert shown and int(shown.group(1)) >= 3
    # The injected markup stayed text: no attribute set, title untouched, no live <img>.
    assert "data-pwned" not in dom and "<title>tqcheck report" in dom
    where = dom.find("<img")
    assert where < 0, dom[max(0, where - 300):where + 100]
    text_only = re.sub(r"<[^>]+>", "", dom)  # highlight marks may split the text
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in text_only
    console = [line for line in res.stderr.splitlines()
               if "CONSOLE" in line or "Uncaught" in line or "Refused" in line]
    assert console == []
    shot = tmp_path / "report.png"
    res = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1300,900", url)
    assert shot.is_file() and shot.stat().st_size > 10_000, res.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
