"""A class on a local JupyterHub: three attendees, each with a server, a kernel and a prefix of their own.

JupyterHub runs on 127.0.0.1 with DummyAuthenticator, SimpleLocalProcessSpawner (one home per
attendee) and configurable-http-proxy from ``hub/node_modules`` (``npm ci --prefix hub``). The
hub loads ``hub/jupyterhub_config.d/async_first_steps.py``, the same file a real class uses.
Everything goes over HTTP, as a browser would: the REST API creates the users, starts their
servers and uploads the notebooks; each notebook runs in a kernel of that user's server, through
the hub's proxy, over the kernel websocket. Then the hub is stopped and must leave nothing behind.

Skipped with one line where configurable-http-proxy is missing; under CI (``CI=true``) that fails.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests
import websocket

from tests.conftest import LEAK_TRAP

pytestmark = pytest.mark.hub

ROOT = Path(__file__).resolve().parents[1]
HUB_CONFIG = ROOT / "hub" / "jupyterhub_config.d" / "async_first_steps.py"
USERS = ["ada", "grace", "katherine"]
NOTEBOOKS = ["00_setup.ipynb", "01_sync_order.ipynb"]
#: Where each attendee's copy lives in their home, as an nbgitpuller link would put it.
CONTENT_DIR = "async-first-steps/notebooks"
CELL_TIMEOUT_S = 180.0
START_TIMEOUT_S = 180.0

#: Run in the attendee's kernel after the notebooks: the backend, the prefix, and every resource name.
CHECK_CELL = """
import json, os
from helpers import client, current
names = [url.rsplit("/", 1)[-1] for url in client("sqs").list_queues().get("QueueUrls", [])]
names += [t["TopicArn"].rsplit(":", 1)[-1] for t in client("sns").list_topics().get("Topics", [])]
names += client("dynamodb").list_tables().get("TableNames", [])
print(json.dumps({"backend": current().name, "prefix": os.environ.get("WORKSHOP_PREFIX"),
                  "home": os.path.expanduser("~"), "cwd": os.getcwd(), "names": names}))
"""


def chp_command() -> str | None:
    """configurable-http-proxy: the one ``npm ci --prefix hub`` installed, else one on PATH."""
    local = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists() and shutil.which("node"):
        return str(local)
    return shutil.which("configurable-http-proxy")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    """True when a new listener could bind ``port`` on 127.0.0.1."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class LocalHub:
    """A JupyterHub process on 127.0.0.1 and the admin token of a test service."""

    workdir: Path
    chp: str
    port: int = field(default_factory=free_port)
    hub_port: int = field(default_factory=free_port)
    proxy_api_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def write_config(self) -> Path:
        """jupyterhub_config.py for this run: local spawner, dummy login, the class settings from hub/."""
        homes = self.workdir / "homes"
        homes.mkdir(parents=True, exist_ok=True)
        singleuser = Path(sys.executable).parent / "jupyterhub-singleuser"
        args = ["--allow-root"] if os.geteuid() == 0 else []
        # Attendees' kernels import helpers from this checkout, and run inside the leak trap.
        environment = {**LEAK_TRAP, "PYTHONPATH": str(ROOT)}
        config = f"""
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {self.hub_port}
c.JupyterHub.db_url = "sqlite:///{self.workdir / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = "{self.workdir / 'cookie_secret'}"
c.JupyterHub.pid_file = "{self.workdir / 'jupyterhub.pid'}"
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.spawner_class = "simple"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.ConfigurableHTTPProxy.command = [{self.chp!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{self.proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = "{self.workdir / 'proxy.pid'}"
c.SimpleLocalProcessSpawner.home_dir_template = "{homes}/{{username}}"
c.Spawner.cmd = [{str(singleuser)!r}]
c.Spawner.args = {args!r}
c.Spawner.environment = {environment!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {int(START_TIMEOUT_S)}
c.Spawner.http_timeout = {int(START_TIMEOUT_S)}
c.JupyterHub.services = [{{"name": "class-admin", "api_token": {self.token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "class-admin",
    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
    "services": ["class-admin"],
}}]
load_subconfig({str(HUB_CONFIG)!r})
"""
        path = self.workdir / "jupyterhub_config.py"
        path.write_text(config)
        return path

    def start(self) -> None:
        """Start JupyterHub (it starts the proxy) and wait until its API answers."""
        config = self.write_config()
        log = open(self.workdir / "jupyterhub.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"JupyterHub exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"JupyterHub did not answer on {self.url} within {START_TIMEOUT_S:.0f} s:\n{self.log()}")

    def log(self) -> str:
        """The last lines JupyterHub wrote."""
        path = self.workdir / "jupyterhub.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-40:]) if path.exists() else ""

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        """One call to the hub's REST API (``/hub/api/...``)."""
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs)

    def descendants(self) -> list[psutil.Process]:
        """Every process the hub started: the proxy, the attendees' servers and their kernels."""
        assert self.process is not None
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 60.0) -> int | None:
        """SIGTERM, the way systemd stops a hub; the hub stops servers and proxy itself. Kills what is left."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            return None


@dataclass
class Attendee:
    """One user of the hub, with a token of their own (scoped to their own server)."""

    hub: LocalHub
    name: str
    token: str = ""

    def server(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A call to this attendee's Jupyter server through the hub's proxy (``/user/<name>/api/...``)."""
        headers = {"Authorization": f"token {self.token}"}
        url = f"{self.hub.url}/user/{self.name}/api{path}"
        return requests.request(method, url, headers=headers, timeout=60, **kwargs)

    def upload(self, notebook: Path) -> str:
        """Put ``notebook`` into the attendee's home through the contents API; its path there."""
        for folder in ("async-first-steps", CONTENT_DIR):
            self.server("PUT", f"/contents/{folder}", json={"type": "directory"}).raise_for_status()
        path = f"{CONTENT_DIR}/{notebook.name}"
        body = {"type": "notebook", "format": "json", "content": json.loads(notebook.read_text())}
        self.server("PUT", f"/contents/{path}", json=body).raise_for_status()
        return path

    def run(self, path: str, extra: str | None = None) -> dict[str, Any]:
        """Open ``path`` as JupyterLab does (a session, so the kernel starts in the notebook's folder),
        run every code cell over the kernel websocket, then ``extra``; errors and ``extra``'s output."""
        model = self.server("GET", f"/contents/{path}", params={"content": "1"}).json()
        cells = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
        body = {"path": path, "name": Path(path).name, "type": "notebook", "kernel": {"name": "python3"}}
        session = self.server("POST", "/sessions", json=body)
        session.raise_for_status()
        kernel_id = session.json()["kernel"]["id"]
        ws_url = f"ws://127.0.0.1:{self.hub.port}/user/{self.name}/api/kernels/{kernel_id}/channels"
        ws = websocket.create_connection(ws_url, header=[f"Authorization: token {self.token}"], timeout=CELL_TIMEOUT_S)
        errors: list[str] = []
        output = ""
        try:
            for index, cell in enumerate(cells):
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                error, _ = execute(ws, source)
                if error and "raises-exception" not in cell.get("metadata", {}).get("tags", []):
                    errors.append(f"{self.name} {Path(path).name} code cell {index}: {error}")
                    break
            if extra and not errors:
                error, output = execute(ws, extra)
                if error:
                    errors.append(f"{self.name} check cell: {error}")
        finally:
            ws.close()
            self.server("DELETE", f"/sessions/{session.json()['id']}")
        return {"errors": errors, "output": output}


def execute(ws: websocket.WebSocket, code: str) -> tuple[str | None, str]:
    """Run ``code`` in the kernel behind ``ws``; (the error, or None; what it printed)."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test", "session": uuid.uuid4().hex,
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    error: str | None = None
    printed: list[str] = []
    replied = idle = False
    deadline = time.monotonic() + CELL_TIMEOUT_S
    while not (replied and idle):
        if time.monotonic() > deadline:
            return f"no reply within {CELL_TIMEOUT_S:.0f} s", "".join(printed)
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "error":
            error = f"{msg['content']['ename']}: {msg['content']['evalue']}"
        elif kind == "stream" and msg["content"]["name"] == "stdout":
            printed.append(msg["content"]["text"])
        elif kind == "execute_reply":
            replied = True
            if msg["content"]["status"] != "ok" and error is None:
                error = f"{msg['content'].get('ename', 'error')}: {msg['content'].get('evalue', '')}"
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    return error, "".join(printed)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    """A running hub with three attendees, each with a started server and a token; stopped afterwards."""
    chp = chp_command()
    if chp is None:
        reason = "configurable-http-proxy is not installed (run `npm ci --prefix hub`)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the hub test")
        pytest.skip(reason)
    local = LocalHub(workdir=tmp_path_factory.mktemp("hub"), chp=chp)
    local.start()
    try:
        yield local
    finally:
        local.stop()
        if local.process is not None and local.process.poll() is None:
            os.killpg(local.process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def attendees(hub: LocalHub) -> list[Attendee]:
    """USERS created through the REST API, each with a token and a running server."""
    created = hub.api("POST", "/users", json={"usernames": USERS})
    assert created.status_code == 201, created.text
    people = []
    for name in USERS:
        token = hub.api("POST", f"/users/{name}/tokens", json={"note": "hub test", "expires_in": 3600})
        assert token.status_code == 201, token.text
        people.append(Attendee(hub, name, token.json()["token"]))
        started = hub.api("POST", f"/users/{name}/server")
        assert started.status_code in (201, 202), started.text
    deadline = time.monotonic() + START_TIMEOUT_S
    waiting = set(USERS)
    while waiting and time.monotonic() < deadline:
        for name in sorted(waiting):
            server = hub.api("GET", f"/users/{name}").json().get("servers", {}).get("", {})
            if server.get("ready"):
                waiting.discard(name)
        time.sleep(0.5)
    assert not waiting, f"servers of {sorted(waiting)} not ready within {START_TIMEOUT_S:.0f} s:\n{hub.log()}"
    return people


def test_each_attendee_runs_the_core_notebooks_in_their_own_server_with_their_own_prefix(hub, attendees):
    def one(person: Attendee) -> list[dict[str, Any]]:
        paths = [person.upload(ROOT / "notebooks" / name) for name in NOTEBOOKS]
        return [person.run(path, extra=CHECK_CELL if path == paths[-1] else None) for path in paths]

    with ThreadPoolExecutor(len(attendees)) as pool:
        results = dict(zip(USERS, pool.map(one, attendees), strict=True))
    errors = [e for runs in results.values() for run in runs for e in run["errors"]]
    assert not errors, "\n".join(errors)

    seen: dict[str, str] = {}
    for name, runs in results.items():
        facts = json.loads(runs[-1]["output"].strip().splitlines()[-1])
        assert facts["backend"] == "moto", f"{name}'s kernel runs on {facts['backend']}, not moto"
        prefix = facts["prefix"]
        assert prefix and prefix.startswith("afs-"), f"{name} has no workshop prefix: {facts}"
        assert facts["home"] == str(hub.workdir / "homes" / name), f"{name}'s kernel has another home: {facts['home']}"
        assert facts["cwd"].endswith(CONTENT_DIR), f"{name}'s kernel did not start in the notebook's folder"
        assert facts["names"], f"{name}'s notebooks created nothing to check the prefix against"
        strays = [n for n in facts["names"] if not n.startswith(prefix + "-")]
        assert not strays, f"{name}'s resources outside {prefix}-*: {strays}"
        assert prefix not in seen, f"{name} and {seen.get(prefix)} share the prefix {prefix}"
        seen[prefix] = name


def test_an_attendee_cannot_reach_another_attendees_server(hub, attendees):
    ada, grace = attendees[0], attendees[1]
    own = ada.server("GET", "/kernels")
    assert own.status_code == 200, own.text
    other = requests.get(
        f"{hub.url}/user/{grace.name}/api/kernels",
        headers={"Authorization": f"token {ada.token}"},
        timeout=30,
        allow_redirects=False,
    )
    assert other.status_code == 403, f"{ada.name}'s token reached {grace.name}'s server: HTTP {other.status_code}"


def test_the_hub_stops_cleanly_and_frees_its_ports(hub, attendees):
    for person in attendees:  # a kernel left running, as attendees leave them: the hub must stop it too
        assert person.server("POST", "/kernels", json={"name": "python3"}).status_code == 201
    children = hub.descendants()
    expected = 1 + 2 * len(USERS)
    assert len(children) >= expected, f"expected the proxy, {len(USERS)} servers and their kernels, found {children}"
    ports = {hub.port, hub.hub_port, hub.proxy_api_port}
    for proc in children:
        try:
            ports |= {c.laddr.port for c in proc.net_connections("tcp") if c.status == psutil.CONN_LISTEN}
        except psutil.NoSuchProcess:
            pass
    code = hub.stop()
    assert code is not None, f"JupyterHub did not stop within 60 s of SIGTERM:\n{hub.log()}"
    time.sleep(0.5)
    alive = [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"left running after the hub stopped: {[(p.pid, p.name()) for p in alive]}"
    busy = sorted(p for p in ports if not port_is_free(p))
    assert not busy, f"ports still in use after the hub stopped: {busy}"
    assert code in (0, -signal.SIGTERM), f"JupyterHub exited with {code}:\n{hub.log()}"
