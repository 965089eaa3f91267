"""A real HTTP order API on 127.0.0.1, like the webinar's demo.

The webinar compared two API Gateway endpoints from a terminal with ``curl``. :class:`OrderApi`
serves the same endpoints from this Python process (standard library ``http.server``: no new
dependency), on a free port of 127.0.0.1, in a background thread:

=========================  ==========================================================================
``POST /sync/orders``      the whole chain while the caller waits → ``201`` with the result
``POST /async/orders``     validate, store, enqueue → ``202`` with the order id and ``Location``
``POST /hybrid/orders``    validate, inventory, payment; the rest queued → ``201`` ``CONFIRMED``
``GET /orders/{id}``       the order's status and per-step progress → ``200`` (``404`` if unknown)
=========================  ==========================================================================

Bad input gets one sentence in a JSON body ``{"error": "…"}`` and changes nothing: ``400`` for
a body that is not JSON or an invalid order, ``404`` for an unknown path or order, ``405`` (with
an ``Allow`` header) for a wrong method, ``413`` for a body over :data:`MAX_BODY_BYTES`. A
downstream failure during a synchronous step answers ``502`` (``409`` when out of stock).

Why in-process: in moto mode the AWS services live inside the kernel (moto is an in-process
mock), so the API must run there too to share them; ``curl`` in JupyterLab's terminal reaches
it on 127.0.0.1 while the kernel runs. The worker pool that executes queued orders starts and
stops with the API. :meth:`OrderApi.stop` is idempotent and also registered with ``atexit``,
so shutting the kernel down stops the server.

The client side (requests, measurements, following an order, curl commands) is
:mod:`helpers.together.api_client`.
"""

from __future__ import annotations

import atexit
import collections
import json
import re
import shlex
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from ..core.messages import WorkshopError, say
from ..core.workers import WorkerPool
from ..shop import Status
from .hybrid import HTTP_FOR_OUTCOME, HybridShop

HOST = "127.0.0.1"
#: The largest request body the API reads (an order is a few hundred bytes).
MAX_BODY_BYTES = 64 * 1024
#: POST routes and what they run.
POST_ROUTES: dict[str, str] = {"/sync/orders": "sync", "/async/orders": "async", "/hybrid/orders": "hybrid"}
_ORDER_PATH = re.compile(r"^/orders/([^/]+)$")
_ORDER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
FINAL = (Status.COMPLETED, Status.FAILED)


@dataclass(frozen=True)
class LogEntry:
    """One request as the server saw it."""

    method: str
    path: str
    status: int
    ms: float


# --- the server -----------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    api: OrderApi


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "AsyncFirstSteps/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._dispatch("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._dispatch("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:  # noqa: N802
        self._dispatch("PATCH")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence the default stderr log (it would land in whichever notebook cell runs): see ``api.log``."""

    def _dispatch(self, method: str) -> None:
        start = time.perf_counter()
        path = unquote(urlsplit(self.path).path)
        api = self.server.api
        try:
            status, body, headers = api._route(method, path, self._read_body if method == "POST" else None)
        except Exception as exc:  # never a traceback to the client: one sentence, 500
            status, body, headers = 500, {"error": say("api.internal", error=f"{type(exc).__name__}: {exc}")}, {}
        # Logged before the answer goes out, so a client that got its answer finds it in the log.
        api.log.append(LogEntry(method, path, status, (time.perf_counter() - start) * 1000))
        self._send(status, body, headers, head_only=method == "HEAD")

    def _read_body(self) -> bytes | int:
        """The request body, or its size in bytes when it is over the limit (then it is discarded)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            remaining = min(length, 16 * MAX_BODY_BYTES)  # read what a client may still be sending, then give up
            while remaining > 0:
                chunk = self.rfile.read(min(65536, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
            self.close_connection = True
            return length
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str], *, head_only: bool) -> None:
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(raw)


def _span_rows(spans: Any) -> list[dict[str, Any]]:
    """The steps of a synchronous answer as JSON rows: step, service, real ms, outcome."""
    return [{"step": s.step, "service": s.service, "ms": round(s.duration_ms, 2), "outcome": s.outcome} for s in spans]


class OrderApi:
    """The order API over HTTP on 127.0.0.1 (see the module doc), with its worker pool.

    ``OrderApi(shop).start()`` or ``with OrderApi(shop) as api: …``; :func:`start_api` is the
    notebook's one-liner. ``workers`` worker threads execute queued orders (0: none, orders stay
    ``ACCEPTED``), taking ``batch_size`` messages per receive (1 by default: an order starts as
    soon as any worker is free, instead of waiting behind nine others in one worker's batch). ``port=0`` picks a free port; after :meth:`stop`, :meth:`start` tries the
    same port again so the ``curl`` commands you copied keep working.
    """

    def __init__(self, shop: HybridShop | None = None, *, workers: int = 2, port: int = 0,
                 batch_size: int = 1) -> None:
        if not isinstance(workers, int) or isinstance(workers, bool) or not 0 <= workers <= 32:
            raise WorkshopError("api.bad_workers", value=workers)
        self.shop = shop if shop is not None else HybridShop.create()
        self.workers = workers
        self.batch_size = batch_size
        self._wanted_port = port
        self._last_port: int | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.pool: WorkerPool | None = None
        self._lock = threading.Lock()
        #: The last requests the server answered (method, path, status, ms).
        self.log: collections.deque[LogEntry] = collections.deque(maxlen=1000)

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> OrderApi:
        """Bind 127.0.0.1, serve in a daemon thread and start the worker pool; no-op if running."""
        with self._lock:
            if self._server is not None:
                return self
            server = self._bind()
            server.api = self
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                      name=f"order-api-{server.server_address[1]}", daemon=True)
            thread.start()
            self._server, self._thread = server, thread
            self._last_port = int(server.server_address[1])
            if self.workers:
                self.pool = self.shop.pool(self.workers, batch_size=self.batch_size).start()
            atexit.register(self.stop)
        return self

    def _bind(self) -> _Server:
        for port in dict.fromkeys([self._wanted_port or self._last_port or 0, 0]):
            try:
                return _Server((HOST, port), _Handler)
            except OSError:
                if port == 0 or self._wanted_port:
                    raise WorkshopError("api.cannot_bind", port=port) from None
        raise WorkshopError("api.cannot_bind", port=0)

    def stop(self) -> None:
        """Stop serving, close the port and stop the worker pool. Safe to call twice, or never started."""
        with self._lock:
            server, thread, pool = self._server, self._thread, self.pool
            self._server, self._thread, self.pool = None, None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if pool is not None:
            pool.stop()
        atexit.unregister(self.stop)

    @property
    def running(self) -> bool:
        """True while the server thread serves requests."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The TCP port on 127.0.0.1 (a clear error if the API is not running)."""
        if self._server is None:
            raise WorkshopError("api.not_running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> OrderApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        if not self.running:
            return "OrderApi(stopped)"
        return f"OrderApi({self.url}, {self.workers} worker(s))"

    def describe(self) -> str:
        """One paragraph for the learner: where the API listens and its routes."""
        return say("api.started", url=self.url, workers=self.workers)

    def curl_commands(self, payload: dict[str, Any] | None = None) -> dict[str, str]:
        """The ``curl`` commands for this API's real port (see :func:`curl_commands`)."""
        return curl_commands(self.url, payload or self.shop.shop.sample_orders(1)[0])

    def print_curl(self, payload: dict[str, Any] | None = None) -> None:
        """Print the ``curl`` commands, ready to paste into JupyterLab's terminal."""
        for label, cmd in self.curl_commands(payload).items():
            print(f"# {label}\n{cmd}\n")

    # --- routing (called from the request threads) ---------------------------------------------
    def _route(self, method: str, path: str, read_body: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
        path = path.rstrip("/") or "/"
        if path in POST_ROUTES:
            if method != "POST":
                return _not_allowed(method, path, "POST")
            return self._post(POST_ROUTES[path], read_body())
        match = _ORDER_PATH.match(path)
        if match:
            if method not in ("GET", "HEAD"):
                return _not_allowed(method, path, "GET, HEAD")
            return self._get_order(match.group(1))
        return 404, {"error": say("api.not_found", method=method, path=path)}, {}

    def _post(self, kind: str, body: bytes | int) -> tuple[int, dict[str, Any], dict[str, str]]:
        if isinstance(body, int):
            return 413, {"error": say("api.too_large", size=body, limit=MAX_BODY_BYTES)}, {}
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            detail = "the body is empty" if not body.strip() else str(exc)
            return 400, {"error": say("api.bad_json", detail=detail)}, {}
        if kind == "sync":
            return self._post_sync(payload)
        if kind == "async":
            return self._post_async(payload)
        return self._post_hybrid(payload)

    def _links(self, order_id: str) -> tuple[dict[str, str], str]:
        location = f"/orders/{order_id}"
        return {"Location": location}, f"http://{HOST}:{self.port}{location}"

    def _post_sync(self, payload: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
        result = self.shop.place_order_sync(payload)
        if result.status == Status.REJECTED:
            return 400, {"error": result.error or say("api.rejected")}, {}
        assert result.order_id is not None
        headers, status_url = self._links(result.order_id)
        body: dict[str, Any] = {
            "order_id": result.order_id,
            "status": result.status,
            "response_ms": round(result.response_ms, 2),
            "steps": _span_rows(result.spans),
            "total_jpy": result.order.total_jpy if result.order else None,
            "status_url": status_url,
        }
        if result.ok:
            body["message"] = say("api.told.sync_completed", order_id=result.order_id)
            return 201, body, headers
        outcome = result.spans[-1].outcome if result.spans else "failed"
        body |= {"failed_step": result.failed_step, "error": result.error,
                 "message": say("api.told.failed", order_id=result.order_id, step=result.failed_step)}
        return HTTP_FOR_OUTCOME.get(outcome, 502), body, headers

    def _post_async(self, payload: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
        answer = self.shop.accept_order(payload)
        if not answer.ok or answer.order_id is None:
            return 400, {"error": answer.error or say("api.rejected")}, {}
        headers, status_url = self._links(answer.order_id)
        return 202, {
            "order_id": answer.order_id,
            "status": answer.status,
            "response_ms": round(answer.response_ms, 2),
            "status_url": status_url,
            "message": say("api.told.async_accepted", order_id=answer.order_id, status_url=status_url),
        }, headers

    def _post_hybrid(self, payload: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
        answer = self.shop.accept_hybrid(payload)
        if answer.status == Status.REJECTED or answer.order_id is None:
            return 400, {"error": answer.error or say("api.rejected")}, {}
        headers, status_url = self._links(answer.order_id)
        body: dict[str, Any] = {
            "order_id": answer.order_id,
            "status": answer.status,
            "response_ms": round(answer.response_ms, 2),
            "steps": _span_rows(answer.spans),
            "queued_steps": list(answer.queued_steps),
            "status_url": status_url,
        }
        if answer.ok:
            body["message"] = say("api.told.hybrid_confirmed", order_id=answer.order_id)
            return 201, body, headers
        body |= {"failed_step": answer.failed_step, "error": answer.error,
                 "message": say("api.told.failed", order_id=answer.order_id, step=answer.failed_step)}
        return answer.http_status, body, headers

    def _get_order(self, order_id: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        doc = self.shop.status_of(order_id) if _ORDER_ID.match(order_id) else None
        if doc is None:
            return 404, {"error": say("api.unknown_order", order_id=order_id)}, {}
        return 200, doc, {}


def _not_allowed(method: str, path: str, allowed: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    return 405, {"error": say("api.method_not_allowed", method=method, path=path, allowed=allowed)}, {"Allow": allowed}


_started: list[OrderApi] = []


def start_api(shop: HybridShop | None = None, *, workers: int = 2) -> OrderApi:
    """Start the order API for ``shop`` (a new :class:`HybridShop` if none) and return it.

    One API per kernel: an API started earlier by this function is stopped first and its port
    reused, so re-running the notebook cell neither piles up servers nor changes the port in
    the ``curl`` commands.
    """
    port = 0
    while _started:
        old = _started.pop()
        port = old._last_port or port
        old.stop()
    api = OrderApi(shop, workers=workers, port=port)
    try:
        api.start()
    except WorkshopError:
        api = OrderApi(shop, workers=workers).start()  # the old port is taken: any free one
    _started.append(api)
    return api


def curl_commands(base_url: str, payload: dict[str, Any]) -> dict[str, str]:
    """The commands to paste into a terminal, webinar-style: time each endpoint, see an answer, poll.

    ``-w '%{time_total}\\n'`` makes curl print the seconds the request took. ``base_url`` is the
    API's URL (``http://127.0.0.1:PORT``); ``payload`` a valid order.
    """
    data = shlex.quote(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    post = f"-X POST -H 'Content-Type: application/json' -d {data}"
    timed = "curl -s -o /dev/null -w '%{time_total}\\n' " + post
    return {
        "sync: seconds until the answer": f"{timed} {base_url}/sync/orders",
        "async: seconds until the answer": f"{timed} {base_url}/async/orders",
        "hybrid: seconds until the answer": f"{timed} {base_url}/hybrid/orders",
        "async: the answer itself (202, Location)": f"curl -s -i {post} {base_url}/async/orders",
        "status of an order (paste an order id)": f"curl -s {base_url}/orders/ORDER_ID",
        "five in a row, like the webinar": f"for i in 1 2 3 4 5; do {timed} {base_url}/async/orders; done",
    }
