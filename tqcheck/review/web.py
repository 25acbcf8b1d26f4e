"""`tqcheck review --web`: the review app served to a browser by textual-serve, with every
process it starts accounted for.

textual-serve starts one app process per page and, when the page goes, asks it to quit and
waits for it without end; nothing kills it, on a page that left nor when the server stops.
An app that never saw its page (a browser that took a screenshot and left) can spin a core
in Textual's compositor and ignore SIGTERM: orphaned, it runs for ever. So here each app
process gets `quit_grace_s` (configs/score.toml [review]) to quit after its page leaves and
is killed after that; the server kills every one it started when it stops (SIGINT, SIGTERM);
and each app dies with the server even when the server is killed (Linux: the parent-death
signal, set by the app itself, see `die_with_parent`).
"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
from dataclasses import dataclass
from typing import Any, ClassVar

from textual_serve import server as textual_server
from textual_serve.app_service import AppService

from tqcheck.config import config_table

SERVED = "TQCHECK_REVIEW_SERVED"  # set for the app processes a server starts


@dataclass(frozen=True)
class ReviewSettings:
    """`[review]` of configs/score.toml."""

    quit_grace_s: float  # how long an app whose page left may take to quit before it is killed


class ReviewAppService(AppService):
    """One page's app process, killed when it does not quit in time."""

    live: ClassVar[set[ReviewAppService]] = set()
    grace_s: ClassVar[float] = 3.0

    async def start(self, width: int, height: int) -> None:
        await super().start(width, height)
        self.live.add(self)

    async def stop(self) -> None:
        """Ask the app to quit; kill it when it has not within the grace time."""
        if self not in self.live:
            return  # stopped already (textual-serve calls stop twice)
        try:
            await asyncio.wait_for(super().stop(), self.grace_s)
        except (TimeoutError, asyncio.CancelledError, OSError):
            pass
        finally:
            await self.kill()

    async def kill(self) -> None:
        self.live.discard(self)
        process = self._process
        if process is not None and process.returncode is None:
            process.kill()  # SIGKILL: a spinning app ignores SIGTERM
            await process.wait()


class ReviewServer(textual_server.Server):
    """textual-serve's server, whose pages' app processes are ReviewAppServices."""

    async def on_shutdown(self, app: Any) -> None:
        """Kill every app process, and close its page (a connected page would otherwise
        hold the server open until aiohttp's shutdown timeout)."""
        services = list(ReviewAppService.live)
        await asyncio.gather(*(s.kill() for s in services))
        await asyncio.gather(*(s.remote_close() for s in services), return_exceptions=True)


def serve(run: str, reviewer: str | None, host: str, port: int) -> None:
    """Serve `tqcheck review RUN` to browsers until SIGINT or SIGTERM."""
    ReviewAppService.grace_s = config_table(ReviewSettings, "score.toml", "review").quit_grace_s
    textual_server.AppService = ReviewAppService  # type: ignore[misc] # the class it builds
    os.environ[SERVED] = "1"  # inherited by the app processes
    command = [sys.executable, "-m", "tqcheck", "review", run]
    if reviewer:
        command += ["--reviewer", reviewer]
    # exec: the shell textual-serve starts becomes the app, so that killing it kills the app
    ReviewServer(f"exec {shlex.join(command)}", host=host, port=port,
                 title=f"tqcheck review {run}").serve()


def die_with_parent() -> None:
    """In an app process a server started: die when the server does, however it ends
    (Linux's parent-death signal; elsewhere the server's own cleanup is all there is)."""
    if os.environ.get(SERVED) != "1" or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the server died before this line: follow it now
        os._exit(1)
