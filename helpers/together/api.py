"""A real HTTP order API on 127.0.0.1, like the webinar's demo, and a small client to measure it.

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

Client side, standard library only: :func:`request` (``urllib`` with proxies switched off — a
proxy must never see 127.0.0.1), :func:`measure`, :func:`compare_endpoints` and
:func:`follow_order` (POST, then poll ``GET /orders/{id}``); :func:`curl_commands` prints the
commands to paste into a terminal.
"""

from __future__ import annotations

import atexit
import collections
import json
import re
import shlex
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from ..core.display import Table
from ..core.messages import WorkshopError, say
from ..core.workers import WorkerPool
from ..shop import Status, percentile
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


# --- the client -------------------------------------------------------------------------------------

#: urllib without proxies: a request to 127.0.0.1 must never go to an HTTP(S)_PROXY.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class HttpResponse:
    """One HTTP exchange as the client saw it: status, headers, JSON body and time taken."""

    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: Any
    start: float  # perf_counter when the request was sent
    end: float  # … and when the whole answer had been read

    @property
    def ms(self) -> float:
        """What the client waited, real ms (connection, request, server, response)."""
        return (self.end - self.start) * 1000

    @property
    def order_id(self) -> str | None:
        """The order id in the answer, if any."""
        return self.body.get("order_id") if isinstance(self.body, dict) else None

    @property
    def error(self) -> str | None:
        """The ``error`` sentence of an error answer."""
        return self.body.get("error") if isinstance(self.body, dict) else None


def request(method: str, url: str, payload: Any = None, *, data: bytes | str | None = None,
            headers: dict[str, str] | None = None, timeout: float = 30) -> HttpResponse:
    """Send one request (``payload`` as JSON, or raw ``data``) and read the answer; never raises for 4xx/5xx.

    Raises :class:`WorkshopError` with one sentence when nothing answers (the API is not running).
    """
    if data is None and payload is not None:
        data = json.dumps(payload)
    raw_data = data.encode("utf-8") if isinstance(data, str) else data
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    req = urllib.request.Request(url, data=raw_data, method=method, headers=hdrs)
    start = time.perf_counter()
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            status, resp_headers, raw = resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        status, resp_headers, raw = err.code, dict(err.headers), err.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError) as err:
        reason = getattr(err, "reason", err)
        raise WorkshopError("api.unreachable", url=url, error=reason) from None
    end = time.perf_counter()
    try:
        body: Any = json.loads(raw.decode("utf-8")) if raw else None
    except ValueError:
        body = raw.decode("utf-8", errors="replace")
    return HttpResponse(method, url, status, resp_headers, body, start, end)


def _base(api: OrderApi | str) -> str:
    return api.url if isinstance(api, OrderApi) else api.rstrip("/")


@dataclass
class HttpRun:
    """Requests sent one after another to one endpoint."""

    path: str
    responses: list[HttpResponse]

    @property
    def ms(self) -> list[float]:
        """Client-side times, real ms."""
        return [r.ms for r in self.responses]

    @property
    def p50(self) -> float:
        """Median client-side time, real ms."""
        return percentile(self.ms, 50)

    @property
    def statuses(self) -> list[int]:
        """HTTP status codes, in order."""
        return [r.status for r in self.responses]

    @property
    def order_ids(self) -> list[str]:
        """Order ids of the answers that carry one."""
        return [r.order_id for r in self.responses if r.order_id]

    @property
    def label(self) -> str:
        """``POST /async/orders`` style label."""
        return f"POST {self.path}"


def measure(api: OrderApi | str, path: str, payloads: Sequence[Any]) -> HttpRun:
    """POST each payload to ``path``, one after another (like a terminal running curl in a loop)."""
    base = _base(api)
    return HttpRun(path, [request("POST", base + path, p) for p in payloads])


@dataclass
class Comparison:
    """The same kind of orders through several endpoints, measured over HTTP."""

    runs: dict[str, HttpRun]
    finished_at: dict[str, float] = field(default_factory=dict)  # order id → perf_counter when done

    def p50(self, path: str) -> float:
        """Median client-side time of ``path``, real ms."""
        return self.runs[path].p50

    def ratio(self, slow: str, fast: str) -> float:
        """How many times longer the median of ``slow`` is than that of ``fast``."""
        return self.p50(slow) / self.p50(fast)

    def only(self, *paths: str) -> Comparison:
        """The same measurements, for some endpoints only (e.g. to plot two of three)."""
        return Comparison({p: self.runs[p] for p in paths}, dict(self.finished_at))

    def merged(self, other: Comparison) -> Comparison:
        """This comparison and ``other`` together (e.g. a third endpoint measured later)."""
        return Comparison({**self.runs, **other.runs}, {**self.finished_at, **other.finished_at})

    def until_done_ms(self, path: str) -> list[float]:
        """Per order sent to ``path``: from sending the request until the order was COMPLETED or FAILED, ms."""
        return [(self.finished_at[r.order_id] - r.start) * 1000 for r in self.runs[path].responses
                if r.order_id in self.finished_at]


def compare_endpoints(api: OrderApi, n: int = 10,
                      paths: Sequence[str] = ("/sync/orders", "/async/orders"), *,
                      start: int = 0, interleave: bool = True, timeout_s: float = 60) -> Comparison:
    """``n`` sample orders to each of ``paths`` over HTTP, then wait until every order is finished.

    One client sends one request after another, as in the webinar's terminal. ``interleave``
    (default) takes the endpoints in turn — sync, async, sync, async … — so every endpoint
    meets the same conditions (the same busy workers, the same other programs on the laptop);
    ``False`` sends all of one endpoint's orders, then the next one's. Each endpoint gets its own
    orders (sample orders from ``start`` on).
    """
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 200:
        raise WorkshopError("api.bad_n", value=n)
    shop = api.shop
    base = _base(api)
    payloads = {path: shop.shop.sample_orders(n, start=start + i * n) for i, path in enumerate(paths)}
    answers: dict[str, list[HttpResponse]] = {path: [] for path in paths}
    order = ([(k, path) for k in range(n) for path in paths] if interleave
             else [(k, path) for path in paths for k in range(n)])
    for k, path in order:
        answers[path].append(request("POST", base + path, payloads[path][k]))
    runs = {path: HttpRun(path, answers[path]) for path in paths}
    ids = [oid for run in runs.values() for r in run.responses if r.status in (201, 202) and (oid := r.order_id)]
    shop.wait_until_finished(ids, timeout_s)
    with shop._lock:
        finished = {i: shop.finished_at[i] for i in ids if i in shop.finished_at}
    return Comparison(runs, finished)


# --- following one order -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusSample:
    """One answer of ``GET /orders/{id}``: when it arrived (ms after the POST was sent) and what it said."""

    t_ms: float
    status: str
    steps_done: int
    steps: dict[str, str]


@dataclass
class StatusTimeline:
    """One order from the caller's side: the POST answer, then every status poll until it was final."""

    path: str
    post: HttpResponse
    samples: list[StatusSample]
    interval_ms: float
    finished_ms: float | None = None  # when the worker actually finished it (server side), ms after the POST

    @property
    def order_id(self) -> str | None:
        """The order's id."""
        return self.post.order_id

    @property
    def answered_ms(self) -> float:
        """When the POST was answered, ms after it was sent."""
        return self.post.ms

    @property
    def polls(self) -> int:
        """How many ``GET /orders/{id}`` the caller sent."""
        return len(self.samples)

    @property
    def final_status(self) -> str | None:
        """The last status seen."""
        return self.samples[-1].status if self.samples else None

    @property
    def seen_final_ms(self) -> float | None:
        """When the caller first saw COMPLETED or FAILED, ms after the POST."""
        return next((s.t_ms for s in self.samples if s.status in FINAL), None)

    @property
    def statuses_seen(self) -> list[str]:
        """The statuses in the order the caller saw them (repeats collapsed)."""
        seen: list[str] = []
        for s in self.samples:
            if not seen or seen[-1] != s.status:
                seen.append(s.status)
        return seen

    @property
    def progress_never_went_back(self) -> bool:
        """True if the number of steps done never decreased from one poll to the next."""
        done = [s.steps_done for s in self.samples]
        return all(b >= a for a, b in zip(done, done[1:], strict=False))


def follow_order(api: OrderApi, payload: Any, *, path: str = "/async/orders", interval_ms: float = 25,
                 timeout_s: float = 15) -> StatusTimeline:
    """POST one order to ``path``, then poll ``GET /orders/{id}`` every ``interval_ms`` until it is final.

    What a client (a web page, a mobile app) does after a ``202``: ask again and again. The
    timeline records what each poll saw, and when the worker really finished (server side),
    so the delay polling adds is visible.
    """
    if not (isinstance(interval_ms, (int, float)) and 1 <= interval_ms <= 5000):
        raise WorkshopError("api.bad_interval", value=interval_ms)
    base = api.url
    post = request("POST", base + path, payload)
    t0 = post.start
    samples: list[StatusSample] = []
    oid = post.order_id
    if post.status in (201, 202) and oid:
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            answer = request("GET", f"{base}/orders/{oid}")
            doc = answer.body if isinstance(answer.body, dict) else {}
            samples.append(StatusSample((answer.end - t0) * 1000, str(doc.get("status")),
                                        int(doc.get("steps_done", 0)), dict(doc.get("steps", {}))))
            if doc.get("status") in FINAL:
                break
            time.sleep(interval_ms / 1000)
    done_at = api.shop.finished_at.get(oid or "")
    finished = (done_at - t0) * 1000 if done_at is not None else None
    return StatusTimeline(path, post, samples, float(interval_ms), finished)


# --- what the customer is told -----------------------------------------------------------------------


@dataclass(frozen=True)
class Told:
    """One order through one endpoint: the answer the customer got, and how the order ended."""

    case: str
    path: str
    http_status: int
    ms: float
    message: str
    final_status: str | None
    failed_step: str | None


@dataclass
class ToldResult:
    """The same situations through every endpoint."""

    rows: list[Told]

    def row(self, case: str, path: str) -> Told:
        """The row of one case and endpoint."""
        return next(r for r in self.rows if r.case == case and r.path == path)

    def table(self) -> Table:
        """Case, endpoint, HTTP status, time, what the customer was told, and how the order ended."""
        t = Table(["situation", "endpoint", "HTTP", "answered in (ms)", "what the customer is told", "how it ended"],
                  title="What the customer is told, per design")
        for r in self.rows:
            ended = f"{r.final_status} at {r.failed_step}" if r.failed_step else str(r.final_status)
            t.rows.append([r.case, f"POST {r.path}", r.http_status, r.ms, r.message, ended])
        return t

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def __str__(self) -> str:
        return str(self.table())


def wait_final(api: OrderApi, order_id: str, *, timeout_s: float = 15, interval_ms: float = 20) -> dict[str, Any]:
    """Poll ``GET /orders/{id}`` until the order is COMPLETED or FAILED (or ``timeout_s``); the last answer."""
    deadline = time.perf_counter() + timeout_s
    while True:
        doc = request("GET", f"{api.url}/orders/{order_id}").body
        doc = doc if isinstance(doc, dict) else {}
        if doc.get("status") in FINAL or time.perf_counter() > deadline:
            return doc
        time.sleep(interval_ms / 1000)


PATHS: tuple[str, ...] = ("/sync/orders", "/hybrid/orders", "/async/orders")


def what_the_customer_is_told(api: OrderApi, *, down: str = "payment", start: int = 0) -> ToldResult:
    """One order per endpoint with every service up, then one each while ``down`` is down.

    For each: the HTTP status, what the answer tells the customer, and how the order ended
    (polled until final; the outage lasts until every order has ended, so the async order meets
    it too).
    """
    shop = api.shop.shop
    svc = shop.service(down)  # a clear error for an unknown step
    cases = [(say("api.case.up"), False), (say("api.case.down", service=svc.name), True)]
    rows: list[Told] = []
    for i, (case, outage) in enumerate(cases):
        payloads = shop.sample_orders(len(PATHS), start=start + i * len(PATHS))
        if outage:
            svc.take_down()
        try:
            answers = [(path, request("POST", api.url + path, p)) for path, p in zip(PATHS, payloads, strict=True)]
            for path, r in answers:
                body = r.body if isinstance(r.body, dict) else {}
                final = wait_final(api, r.order_id) if r.order_id else {}
                rows.append(Told(case, path, r.status, r.ms, str(body.get("message") or body.get("error")),
                                 final.get("status"), final.get("failed_step")))
        finally:
            if outage:
                svc.restore()
    return ToldResult(rows)


# --- curl ----------------------------------------------------------------------------------------


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
