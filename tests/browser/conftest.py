"""Real JupyterLab in a real browser: the fixtures behind tests/browser/.

Learners use JupyterLab, not nbval: widgets, plots and progress bars only prove themselves in
the page. These fixtures start JupyterLab from the project's environment (isolated settings,
random token, a free 127.0.0.1 port, a *copy* of the notebooks so nothing is written back into
the committed files) and Debian's Chromium driven by Playwright (Playwright's own browser
download does not work here, and is not needed).

Environment variables:

- ``BROWSER_NOTEBOOKS_DIR``: run the notebooks of this folder instead of the repo's ``notebooks/``
  (for developing the harness against a throwaway notebook).
- ``BROWSER_CHROMIUM``: the Chromium executable (default ``/usr/bin/chromium``).
- ``BROWSER_NOTEBOOK_TIMEOUT``: seconds one notebook may take to open and run (default 180).
- ``CI``: when set, a missing Chromium fails the tests instead of skipping them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from secrets import token_hex
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = Path(os.environ.get("BROWSER_NOTEBOOKS_DIR") or REPO / "notebooks").resolve()
SCREENSHOTS_DIR = REPO / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("BROWSER_CHROMIUM", "/usr/bin/chromium")
NOTEBOOK_TIMEOUT_S = float(os.environ.get("BROWSER_NOTEBOOK_TIMEOUT", "180"))
SERVER_START_TIMEOUT_S = 90.0

ENABLE_HINT = (
    "Chromium not found: `sudo apt-get install chromium` (Debian/Ubuntu) to run the real-browser tests"
)

# Flags that work on a closed network: without the background-networking ones Chromium floods
# refused connections; the sandbox needs user namespaces that containers (and root) lack.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-proxy-server",  # the unit tests' conftest sets a dead HTTP(S)_PROXY as a leak trap
]

# Proxy variables are dropped for the server (and so the kernels): a learner has none, and the
# unit tests' leak trap sets a dead one that would break any local HTTP call a notebook makes.
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# User settings for the isolated JupyterLab: no news toast over the notebook, no update check
# (the network is closed). Everything else is JupyterLab's default, i.e. what learners see.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: runs the notebooks in JupyterLab in headless Chromium (deselect with -m 'not browser')",
    )


def notebook_paths() -> list[Path]:
    """The notebooks to run in the browser, sorted, so notebooks added later are picked up."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that takes ``notebook`` runs once per notebook (id: the file name)."""
    if "notebook" in metafunc.fixturenames:
        metafunc.parametrize("notebook", notebook_paths(), ids=lambda p: p.name)


# --------------------------------------------------------------------------- settings, timings


@dataclass
class BrowserRun:
    """Where screenshots go, how long a notebook may take, and what each one took."""

    screenshots_dir: Path = SCREENSHOTS_DIR
    notebook_timeout_s: float = NOTEBOOK_TIMEOUT_S
    timings: list[tuple[str, float, str]] = field(default_factory=list)


_RUN = BrowserRun()


@pytest.fixture(scope="session")
def browser_run() -> BrowserRun:
    return _RUN


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _RUN.timings:
        return
    terminalreporter.section("notebooks in JupyterLab (headless Chromium)")
    for name, seconds, outcome in _RUN.timings:
        terminalreporter.write_line(f"{name:<40} {seconds:6.1f} s  {outcome}")
    terminalreporter.write_line(f"screenshots: {_RUN.screenshots_dir}")


# --------------------------------------------------------------------------- Chromium


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium, or a skip (a learner's laptop) / a failure (CI) saying how to get it."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        if os.environ.get("CI"):
            pytest.fail(ENABLE_HINT, pytrace=False)
        pytest.skip(ENABLE_HINT)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Any]:
    """One headless Chromium for the session; each notebook gets its own context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser: Any) -> Iterator[Any]:
    """One browser context (profile) for the session: each notebook opens in a page of its own."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context
    finally:
        context.close()


# --------------------------------------------------------------------------- JupyterLab


@dataclass
class JupyterLab:
    """A running JupyterLab server started by these tests, and how to talk to it."""

    process: subprocess.Popen[bytes]
    base_url: str
    token: str
    root_dir: Path
    runtime_dir: Path
    log_path: Path
    notebooks: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        """A browser URL for ``path`` (e.g. ``lab/tree/x.ipynb``) with the token."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{sep}token={self.token}"

    def api(self, method: str, path: str, body: Any = None, timeout: float = 30.0) -> Any:
        """Call the server's REST API (``path`` like ``api/sessions``); returns decoded JSON or None."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with _NO_PROXY.open(request, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def shutdown_kernels_of(self, notebook: str | None = None) -> None:
        """Shut down the sessions (and their kernels) of ``notebook``, or all when None."""
        try:
            sessions = self.api("GET", "api/sessions")
            for s in sessions:
                if notebook is None or s.get("path") == notebook:
                    self.api("DELETE", f"api/sessions/{s['id']}")
            if notebook is None:
                for k in self.api("GET", "api/kernels"):
                    self.api("DELETE", f"api/kernels/{k['id']}")
        except (urllib.error.URLError, OSError):
            pass  # the server is gone already; the process-group kill below still runs

    def kernel_prefix(self) -> str:
        """``sys.prefix`` of a fresh ``python3`` kernel started through the server, as the notebooks'."""
        from jupyter_client import BlockingKernelClient

        kernel = self.api("POST", "api/kernels", {"name": "python3"})
        try:
            connection_file = self.runtime_dir / f"kernel-{kernel['id']}.json"
            for _ in range(100):
                if connection_file.exists():
                    break
                time.sleep(0.1)
            client = BlockingKernelClient(connection_file=str(connection_file))
            client.load_connection_file()
            client.start_channels()
            seen: list[str] = []
            try:
                client.wait_for_ready(timeout=60)
                client.execute_interactive(
                    "import sys; print(sys.prefix)",
                    output_hook=lambda msg: seen.append(msg["content"].get("text", "")),
                    timeout=60,
                )
            finally:
                client.stop_channels()
        finally:
            self.api("DELETE", f"api/kernels/{kernel['id']}")
        return "".join(seen).strip()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _descendants(pid: int) -> list[int]:
    """PIDs of every process below ``pid`` (kernels run in their own sessions, so a
    process-group kill of the server does not reach them)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server by the process group we started, then whatever it left below it."""
    below = _descendants(process.pid) if sys.platform.startswith("linux") else []
    for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    for pid in below:  # a kernel is the leader of its own process group
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if not _alive(pid):
                break
            try:
                os.killpg(pid, sig) if os.getpgid(pid) == pid else os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            deadline = time.monotonic() + 3
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)


SENTINEL_SOURCE = (
    "# Added by the browser test to its copy of the notebook (not part of the notebook):\n"
    "# Run All reaches this cell only if no cell above failed, even one that failed silently.\n"
    'print("browser test: every cell above ran")'
)


def _add_sentinel(path: Path) -> None:
    """Append :data:`SENTINEL_SOURCE` as a last code cell (Run All stops at a failing cell, so a
    sentinel that never ran means a cell failed, also when the failure printed nothing)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(SENTINEL_SOURCE))
    nbformat.write(nb, path)


def _copy_notebooks(work: Path) -> Path:
    """Copy notebooks (and data/, for notebooks that read ``../data``) into ``work``."""
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
    root = work / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, root, ignore=ignore)
    if (REPO / "data").is_dir():
        shutil.copytree(REPO / "data", work / "data", ignore=ignore)
    for notebook in root.glob("*.ipynb"):
        _add_sentinel(notebook)
    return root


@pytest.fixture(scope="session")
def jupyterlab(chromium_executable: str) -> Iterator[JupyterLab]:
    """JupyterLab from this environment on a copy of the notebooks; stopped by its process group."""
    # Not tmp_path_factory: another pytest run on the machine may prune its folders under us.
    base = Path(tempfile.mkdtemp(prefix="browser-jupyterlab-"))
    try:
        yield from _serve(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _serve(base: Path) -> Iterator[JupyterLab]:
    root_dir = _copy_notebooks(base / "work")
    dirs = {name: base / name for name in ("config", "settings", "workspaces", "runtime", "data")}
    for d in dirs.values():
        d.mkdir()
    for rel, settings in LAB_SETTINGS.items():
        target = dirs["settings"] / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings))

    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        # No user-level kernelspecs: the only python3 kernel is this environment's ipykernel.
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_PREFER_ENV_PATH="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("MPLBACKEND", None)  # learners get the inline backend; Agg would hide every figure
    env.pop("JUPYTER_PATH", None)
    for var in PROXY_VARS:
        env.pop(var, None)

    token = token_hex(24)
    log_path = base / "jupyterlab.log"
    last_error = ""
    for _attempt in range(3):  # a free port can be taken between picking and binding it
        port = _free_port()
        cmd = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--allow-root",  # CI runs as root
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.token={token}",
            f"--ServerApp.root_dir={root_dir}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]  # fmt: skip
        log = log_path.open("ab")
        process = subprocess.Popen(
            cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        lab = JupyterLab(process, f"http://127.0.0.1:{port}/", token, root_dir, dirs["runtime"], log_path)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            try:
                lab.api("GET", "api/status", timeout=2)
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        else:
            last_error = lab.log_tail()
            _stop(process)
            continue
        try:
            # The kernel the notebooks get must be this environment's ipykernel, not another Python's.
            prefix = lab.kernel_prefix()
            if prefix != sys.prefix:
                pytest.fail(f"JupyterLab's python3 kernel runs in {prefix!r}, not in this environment "
                            f"({sys.prefix!r}); check `jupyter kernelspec list`", pytrace=False)  # fmt: skip
            yield lab
        finally:
            lab.shutdown_kernels_of(None)
            _stop(process)
        return
    pytest.fail(f"JupyterLab did not start; the end of its log:\n{last_error}", pytrace=False)
