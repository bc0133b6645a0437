"""Headless Chromium driven over the DevTools protocol on a pipe (no port, no network, no browser download).

    with Browser() as browser:
        page = browser.open(Path("report.html"), width=1400)
        page.errors, page.requests, page.evaluate("document.title"), page.screenshot(Path("shot.png"))

Chromium reads commands from its file descriptor 3 and writes replies and
events to 4, each a JSON object ended by a NUL byte (--remote-debugging-pipe).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--remote-debugging-pipe"]
NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find() -> str | None:
    return next((found for name in NAMES if (found := shutil.which(name))), None)


class BrowserError(Exception):
    pass


class Browser:
    def __init__(self, executable: str | None = None, timeout: float = 30.0):
        self.executable = executable or find()
        if self.executable is None:
            raise BrowserError("no Chromium on PATH")
        self.timeout = timeout
        self.next_id = 0
        self.buffer = b""
        self.events: list[dict] = []

    def __enter__(self) -> Browser:
        self.profile = tempfile.mkdtemp(prefix="bv-chromium-")
        to_chrome, self.send_end = os.pipe()
        self.receive_end, from_chrome = os.pipe()
        # Moved out of the way first: a pipe end may itself be 3 or 4, and dup2 onto itself keeps close-on-exec.
        ends = (to_chrome, from_chrome)
        to_chrome, from_chrome = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100) for fd in ends)

        def descriptors():
            os.dup2(to_chrome, 3)
            os.dup2(from_chrome, 4)

        self.process = subprocess.Popen([self.executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, close_fds=False, preexec_fn=descriptors)
        for fd in (to_chrome, from_chrome, *ends):
            os.close(fd)
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.send_end)
        os.close(self.receive_end)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self.receive_end, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.send_end, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> dict:
        while True:
            found = next((e for e in self.events if e.get("method") == method and e.get("sessionId") == session), None)
            if found:
                return found
            self.events.append(self._read())

    def open(self, path: Path, width: int, height: int = 900) -> Page:
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session)
        self.call("Emulation.setDeviceMetricsOverride", session, width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        self.call("Page.navigate", session, url=Path(path).resolve().as_uri())
        self.wait_for("Page.loadEventFired", session)
        return Page(self, session, width)


class Page:
    def __init__(self, browser: Browser, session: str, width: int):
        self.browser, self.session, self.width = browser, session, width

    def _events(self, method: str) -> list[dict]:
        return [e["params"] for e in self.browser.events if e.get("method") == method
                and e.get("sessionId") == self.session]

    @property
    def errors(self) -> list[str]:
        """Uncaught exceptions, console errors and logged errors, one line each."""
        found = [e["exceptionDetails"].get("text", "exception") for e in self._events("Runtime.exceptionThrown")]
        found += [" ".join(str(a.get("value", a.get("description", ""))) for a in e.get("args", []))
                  for e in self._events("Runtime.consoleAPICalled") if e.get("type") in ("error", "assert")]
        found += [e["entry"].get("text", "") for e in self._events("Log.entryAdded")
                  if e["entry"].get("level") == "error"]
        return found

    @property
    def requests(self) -> list[str]:
        return [e["request"]["url"] for e in self._events("Network.requestWillBeSent")]

    def evaluate(self, expression: str):
        reply = self.browser.call("Runtime.evaluate", self.session, expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise BrowserError(f"{expression}: {reply['exceptionDetails'].get('text')}")
        return reply["result"].get("value")

    def screenshot(self, path: Path, full: bool = True, most: int = 16000) -> Path:
        """A PNG of the page (the whole of it, up to ``most`` pixels tall)."""
        height = min(int(self.evaluate("document.documentElement.scrollHeight")), most) if full else 900
        self.browser.call("Emulation.setDeviceMetricsOverride", self.session, width=self.width, height=height,
                          deviceScaleFactor=1, mobile=False)
        data = self.browser.call("Page.captureScreenshot", self.session, format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path
