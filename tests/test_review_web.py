"""`tqcheck review RUN --web` in headless Chromium over the loopback address: the page
loads, a keystroke decides, the decision is in the run database. Chromium is driven through
its DevTools protocol (aiohttp's websocket client, which textual-serve brings)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_report_browser import CHROMIUM, FLAGS
from test_review_flags import make_run

from tqcheck.run.rundb import RunDB

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> bytes:
    deadline = time.time() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as res:
                return res.read()
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.3)


async def press_in_page(devtools: str, url: str, key: str) -> None:
    """Open `url` in the page target, wait until the app has drawn, press `key`."""
    import aiohttp

    ids = itertools.count(1)
    async with aiohttp.ClientSession() as session, session.ws_connect(
            devtools, max_msg_size=0) as ws:

        async def call(method: str, **params: object) -> dict:
            n = next(ids)
            await ws.send_json({"id": n, "method": method, "params": params})
            while True:
                msg = json.loads((await ws.receive()).data)
                if msg.get("id") == n:
                    return msg

        async def value(expression: str) -> object:
            res = await call("Runtime.evaluate", expression=expression, returnByValue=True)
            return res["result"]["result"].get("value")

        await call("Page.enable")
        await call("Page.navigate", url=url)
        for _ in range(120):  # the app has sent its first bytes: the terminal shows
            if await value("document.body && document.body.classList.contains('-first-byte')"):
                break
            await asyncio.sleep(0.5)
        else:
            raise AssertionError("the review app never drew in the page")
        await asyncio.sleep(3)  # the app mounts and shows its queue
        await call("Input.dispatchMouseEvent", type="mousePressed", x=900, y=300,
                   button="left", clickCount=1)  # focus the terminal (the detail pane)
        await call("Input.dispatchMouseEvent", type="mouseReleased", x=900, y=300,
                   button="left", clickCount=1)
        code = f"Key{key.upper()}"
        await call("Input.dispatchKeyEvent", type="keyDown", key=key, text=key, code=code,
                   windowsVirtualKeyCode=ord(key.upper()))
        await call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code,
                   windowsVirtualKeyCode=ord(key.upper()))
        await asyncio.sleep(1)


def test_review_in_a_browser_decides_into_the_run_database(tmp_path):
    _, db = make_run(tmp_path)
    port, debug = free_port(), free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "tqcheck", "review", str(db), "--web", "--port", str(port),
         "--reviewer", "web"], env=env, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    browser = subprocess.Popen(
        [str(CHROMIUM), *FLAGS, f"--remote-debugging-port={debug}", "--window-size=1400,900",
         f"--user-data-dir={tmp_path / 'chromium'}", "about:blank"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/").decode()
        assert "textual" in page.lower()  # the textual-serve page, bound to the loopback
        targets = json.loads(wait_for(f"http://127.0.0.1:{debug}/json/list"))
        devtools = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        asyncio.run(press_in_page(devtools, f"http://127.0.0.1:{port}/", "c"))
        deadline, decided = time.time() + 30, {}
        while time.time() < deadline and not decided:
            with RunDB(db, mode="read") as run:
                decided = run.current_decisions()
            time.sleep(0.5)
        assert [(d.action, d.reviewer) for d in decided.values()] == [("confirm", "web")]
    finally:
        for proc in (browser, server):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_review_web_warns_when_bound_beyond_this_machine(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from tqcheck.cli import app
    from tqcheck.cli import review as review_cli

    _, db = make_run(tmp_path)
    served = []

    class FakeServer:
        def __init__(self, command: str, host: str, port: int, title: str) -> None:
            served.append((command, host, port))

        def serve(self) -> None:
            return None

    monkeypatch.setattr("tqcheck.review.web.ReviewServer", FakeServer)
    res = CliRunner().invoke(app, ["review", str(db), "--web", "--host", "0.0.0.0"])
    assert res.exit_code == 0, res.output
    assert "anyone who can reach it can review and change this run" in res.output
    assert served and served[0][1:] == ("0.0.0.0", 8000) and "review" in served[0][0]
    res = CliRunner().invoke(app, ["review", str(db), "--web"])
    assert "anyone who can reach" not in res.output and served[1][1] == "127.0.0.1"
    res = CliRunner().invoke(app, ["review", str(tmp_path / "missing.sqlite"), "--web"])
    assert res.exit_code == 2 and "no such run database" in res.output
    assert len(served) == 2  # nothing served for a missing database
    assert review_cli.LOCAL_HOSTS[0] == "127.0.0.1"


# -- every process a server starts ends with its page, or with the server -------------------

def _children(pid: int) -> dict[int, int]:
    """The living descendants of `pid` (Linux /proc), with their CPU ticks so far."""
    table: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        if fields[0] != "Z":  # a zombie is over
            table[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    out, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, ticks) in table.items():
            if ppid == parent and child not in out:
                out[child] = ticks
                frontier.append(child)
    return out


def _alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _server(db, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tqcheck", "review", str(db), "--web", "--port", str(port)],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads processes from /proc")
def test_a_page_that_leaves_leaves_no_process_and_no_cpu_behind(tmp_path):
    """A browser that takes a screenshot and goes: its app quits or is killed within the
    grace time (configs/score.toml [review]), and nothing spins after it."""
    from tqcheck.config import config_table
    from tqcheck.review.web import ReviewSettings

    grace = config_table(ReviewSettings, "score.toml", "review").quit_grace_s
    _, db = make_run(tmp_path)
    port = free_port()
    server = _server(db, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        shot = subprocess.run(
            [str(CHROMIUM), *FLAGS, "--window-size=1400,900", "--virtual-time-budget=5000",
             f"--user-data-dir={tmp_path / 'chromium'}", f"--screenshot={tmp_path / 'p.png'}",
             f"http://127.0.0.1:{port}/"], capture_output=True, timeout=120)
        assert shot.returncode == 0 and (tmp_path / "p.png").is_file()
        deadline = time.time() + grace + 10
        while _children(server.pid) and time.time() < deadline:
            time.sleep(0.5)
        assert _children(server.pid) == {}
        assert server.poll() is None  # the server itself serves on
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads processes from /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_a_stopped_server_leaves_no_app_behind(tmp_path, sig):
    """With a page connected, the server ends on SIGTERM or SIGINT (exit 0) and its app
    processes with it; killed outright, its app dies too (the parent-death signal)."""
    _, db = make_run(tmp_path)
    port, debug = free_port(), free_port()
    server = _server(db, port)
    browser = subprocess.Popen(
        [str(CHROMIUM), *FLAGS, f"--remote-debugging-port={debug}", "--window-size=1400,900",
         f"--user-data-dir={tmp_path / 'chromium'}", "about:blank"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        targets = json.loads(wait_for(f"http://127.0.0.1:{debug}/json/list"))
        devtools = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        asyncio.run(press_in_page(devtools, f"http://127.0.0.1:{port}/", "n"))
        apps = list(_children(server.pid))
        assert apps, "the page's app process is running"
        server.send_signal(sig)
        server.wait(timeout=30)
        assert server.returncode == (0 if sig != signal.SIGKILL else -signal.SIGKILL)
        deadline = time.time() + 10
        while _alive(apps) and time.time() < deadline:
            time.sleep(0.3)
        assert _alive(apps) == []
    finally:
        for proc in (browser, server):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
