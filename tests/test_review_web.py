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

    monkeypatch.setattr("textual_serve.server.Server", FakeServer)
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
