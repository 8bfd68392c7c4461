"""Drive JupyterLab in headless Chromium: open a notebook, run it, move a slider, look at the picture.

Used by the browser tests (through the fixtures in ``conftest.py``). Needs Debian's ``chromium`` (``/usr/bin/chromium``) and the
``playwright`` Python package; it never downloads a browser.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "tests" / "browser" / "artifacts"


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (install Debian's package: apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements.txt)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab server on 127.0.0.1 serving a fresh copy of ``notebooks/``."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="lab-"))
        self.notebooks = self.dir / "notebooks"
        shutil.copytree(ROOT / "notebooks", self.notebooks)
        settings = self.dir / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        # the "news" toast would cover the lower right of the page
        (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
        self.port, self.token = _free_port(), "lecturekit-test"
        env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(self.dir / "settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.dir / "workspaces"))
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
               f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={self.notebooks}",
               "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=True"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(self.dir / "server.log", "w")
        self.process = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {(self.dir / 'server.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("jupyter lab did not answer within a minute")

    def fresh_copy(self, name: str) -> str:
        """A new file name for notebook ``name`` (a reopened name would reuse its running kernel)."""
        copy = f"{Path(name).stem}-{time.monotonic_ns()}.ipynb"
        shutil.copy(self.notebooks / name, self.notebooks / copy)
        return copy

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Notebook:
    """One notebook open in a Chromium page."""

    def __init__(self, page, server: LabServer, name: str) -> None:
        self.page, self.server = page, server
        self.name = server.fresh_copy(name)
        page.goto(f"{server.url}/lab/tree/{self.name}?token={server.token}&reset")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        self.wait_for_kernel()

    def wait_for_kernel(self, timeout: float = 60) -> None:
        """Until the notebook's kernel is connected and idle (the toolbar says idle too early)."""
        self.page.wait_for_function(
            """() => {
                const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                return k && k.connectionStatus === 'connected' && k.status === 'idle';
            }""", timeout=timeout * 1000)

    def run_all(self, timeout: float = 120) -> None:
        """Run every cell and wait until each code cell has run and the kernel is idle again."""
        self.page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        self.page.wait_for_function(
            """() => {
                const w = window.jupyterapp.shell.currentWidget;
                const k = w.sessionContext.session.kernel;
                const cells = w.content.widgets;
                return k.status === 'idle' && cells.every(
                    c => c.model.type !== 'code' || (c.model.executionCount !== null && !c.promptNode.textContent.includes('*')));
            }""", timeout=timeout * 1000, polling=250)

    def errors(self) -> list[str]:
        """The error outputs of the run, as 'ename: evalue'."""
        return self.page.evaluate(
            """() => window.jupyterapp.shell.currentWidget.content.widgets
                 .filter(c => c.model.type === 'code')
                 .flatMap(c => c.model.outputs.toJSON())
                 .filter(o => o.output_type === 'error')
                 .map(o => o.ename + ': ' + o.evalue)""")

    def slider(self, label: str):
        """The handle of the slider whose description contains ``label``."""
        container = self.page.locator(".widget-slider", has=self.page.locator(".widget-label", has_text=label))
        return container.first.locator(".noUi-handle")

    def readout(self, label: str) -> str:
        """The value the slider shows (its handle's aria-valuetext: present even where JupyterLab
        has not rendered the cell's text, far outside the viewport)."""
        return self.slider(label).get_attribute("aria-valuetext")

    def image(self, index: int = 0):
        """The ``index``-th dashboard picture (an ipywidgets Image)."""
        return self.page.locator(".jupyter-widgets.widget-image").nth(index)

    def press(self, label: str, key: str, times: int = 1) -> None:
        handle = self.slider(label)
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def shown_png(self, index: int = 0) -> bytes:
        """The PNG that picture ``index`` shows, as the kernel sent it (its ``data:`` URL decoded)."""
        src = self.image(index).get_attribute("src")
        prefix = "data:image/png;base64,"
        assert src.startswith(prefix), f"the picture is not a data: URL of a PNG: {src[:40]!r}"
        return base64.b64decode(src[len(prefix):])

    def image_changes_after(self, action, index: int = 0, timeout: float = 10) -> tuple[bytes, bytes]:
        """Screenshot picture ``index``, run ``action()``, wait until its pixels change; return both shots."""
        return changes_after(self.image(index), action, timeout)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=False)
        return path


def changes_after(element, action, timeout: float = 10) -> tuple[bytes, bytes]:
    """Screenshot ``element``, run ``action()``, wait until its pixels change (or ``timeout`` s pass);
    return the shots before and after."""
    element.scroll_into_view_if_needed()
    before = element.screenshot()
    action()
    deadline = time.monotonic() + timeout
    after = element.screenshot()
    while after == before and time.monotonic() < deadline:
        time.sleep(0.1)
        after = element.screenshot()
    return before, after


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
