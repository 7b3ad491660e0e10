"""A small Chrome DevTools Protocol client over --remote-debugging-pipe: no websocket, no extra package.

Chromium reads NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
    "--remote-debugging-pipe",
]


_TRAMPOLINE = (
    "import os, sys; r, w = int(sys.argv[1]), int(sys.argv[2]); os.dup2(r, 3); os.dup2(w, 4); "
    "os.close(r); os.close(w); os.execv(sys.argv[3], sys.argv[3:])"
)


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or (
        "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)


class CDPError(RuntimeError):
    """Chromium answered a command with an error, or did not answer in time."""


class Browser:
    """One headless Chromium; `page()` opens a tab driven through a flattened session."""

    def __init__(self, exe: str, user_data_dir: Path, timeout: float = 20.0):
        self.timeout = timeout
        to_child_r, self._w = os.pipe()
        self._r, from_child_w = os.pipe()
        # Chromium wants the pipe on fds 3 and 4. Lift the child's ends above 9 (so neither can be 3 or 4),
        # pass them, and let a small exec trampoline move them into place: no preexec_fn, which is unsafe
        # with threads, and no shell (dash cannot redirect fds above 9).
        hi_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        hi_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)
        argv = [exe, *FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _TRAMPOLINE, str(hi_r), str(hi_w), *argv],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(hi_r, hi_w),
        )
        os.close(hi_r)
        os.close(hi_w)
        self._next = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._replies: dict[int, dict] = {}
        self.events: list[dict] = []
        self.dialogs: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- wire --------------------------------------------------------------------------------------

    def _write(self, msg: dict) -> None:
        data = json.dumps(msg).encode("utf-8") + b"\0"
        with self._lock:
            os.write(self._w, data)

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._r, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if msg.get("method") == "Page.javascriptDialogOpening":
                    # Record it and close it at once: an open dialog would block every later command.
                    self.dialogs.append(msg["params"])
                    self._write({"id": self._new_id(), "method": "Page.handleJavaScriptDialog",
                                 "params": {"accept": True}, "sessionId": msg.get("sessionId")})
                with self._cond:
                    if "id" in msg:
                        self._replies[msg["id"]] = msg
                    else:
                        self.events.append(msg)
                    self._cond.notify_all()

    def _new_id(self) -> int:
        with self._lock:
            self._next += 1
            return self._next

    def send(self, method: str, session: str | None = None, **params) -> dict:
        mid = self._new_id()
        msg = {"id": mid, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self._write(msg)
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while mid not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise CDPError(f"no answer to {method}")
                self._cond.wait(left)
            reply = self._replies.pop(mid)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(self, method: str, session: str | None, after: int, timeout: float | None = None) -> dict:
        """The first `method` event of `session` among events[after:], waiting for it to arrive."""
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while True:
                for ev in self.events[after:]:
                    if ev.get("method") == method and ev.get("sessionId") == session:
                        return ev
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CDPError(f"no {method} event")
                self._cond.wait(left)

    def page(self, bypass_csp: bool = False) -> "Page":
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        return Page(self, session, target, bypass_csp)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except CDPError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass


# A sentinel every page gets before its own content: anything from the data calling alert() is counted.
SENTINEL = "window.__xss = []; window.alert = window.confirm = window.prompt = function (m) { window.__xss.push(String(m)); };"


class Page:
    def __init__(self, browser: Browser, session: str, target: str, bypass_csp: bool):
        self.b, self.s, self.target = browser, session, target
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Page.addScriptToEvaluateOnNewDocument", source=SENTINEL)
        if bypass_csp:
            # Test the escaping itself: with the page's CSP off, injected markup would run if it got through.
            self.send("Page.setBypassCSP", enabled=True)

    def send(self, method: str, **params) -> dict:
        return self.b.send(method, self.s, **params)

    def _mark(self) -> int:
        with self.b._cond:
            return len(self.b.events)

    def goto(self, url: str) -> None:
        mark = self._mark()
        res = self.send("Page.navigate", url=url)
        if res.get("errorText"):
            raise CDPError(f"{url}: {res['errorText']}")
        self.b.wait_event("Page.loadEventFired", self.s, mark)

    def js(self, expression: str):
        res = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise CDPError(f"{expression}: {res['exceptionDetails'].get('text')}")
        return res["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element, then wait for the page it opens."""
        box = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        x, y = box
        mark = self._mark()
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        self.send("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="left", clickCount=1)
        self.send("Input.dispatchMouseEvent", type="mouseReleased", x=x, y=y, button="left", clickCount=1)
        self.b.wait_event("Page.loadEventFired", self.s, mark)

    def key(self, key: str, code: str, keycode: int, wait_load: bool = False) -> None:
        mark = self._mark()
        text = "\r" if key == "Enter" else None
        down = dict(type="keyDown", key=key, code=code, windowsVirtualKeyCode=keycode)
        if text:
            down["text"] = text
        self.send("Input.dispatchKeyEvent", **down)
        self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=keycode)
        if wait_load:
            self.b.wait_event("Page.loadEventFired", self.s, mark)

    def type_text(self, text: str) -> None:
        self.send("Input.insertText", text=text)

    def screenshot(self, path: Path, width: int = 1200, height: int = 900, full_page: bool = False) -> Path:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.b.send("Target.closeTarget", targetId=self.target)
        except CDPError:
            pass
