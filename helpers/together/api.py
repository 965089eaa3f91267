"""The order API's local gateway: HTTP on 127.0.0.1 in, an API Gateway event to the Lambda handler, HTTP out.

The webinar's order API is an AWS Lambda function behind Amazon API Gateway. Notebook 06 writes
that function (``helpers.together.lesson.lambda_handler``, Powertools' ``APIGatewayRestResolver``)
and 07 deploys it. :class:`OrderApi` lets ``curl`` reach the *same* function here: a small HTTP
server (standard library ``http.server``) on a free port of 127.0.0.1 turns each request into the
event API Gateway would send (REST API, proxy integration, payload version 1.0: :func:`proxy_event`),
calls the handler, and turns the handler's answer back into an HTTP response. There is no routing
here: every path, method and status code is the handler's.

What the gateway itself answers, as API Gateway does: ``413`` for a body over
:data:`MAX_BODY_BYTES` (the handler is not called), and ``500`` with one sentence if the handler
raises. Like one Lambda execution environment, the handler runs one request at a time (Powertools'
router keeps the current event in one place per process).

Why in-process: in moto mode the AWS services live inside the kernel (moto is an in-process
mock), so the API must run there too to share them; ``curl`` in JupyterLab's terminal reaches
it on 127.0.0.1 while the kernel runs. The worker pool that executes queued orders starts and
stops with the API. :meth:`OrderApi.stop` is idempotent and also registered with ``atexit``,
so shutting the kernel down stops the server.

Plumbing the handlers use: :func:`order_links` (the ``Location`` of an order, stage included),
:func:`allowed_methods` (which methods a path has, for ``405``) and :func:`step_rows`. The client
side (requests, measurements, following an order) is :mod:`helpers.together.api_client`.
"""

from __future__ import annotations

import atexit
import base64
import collections
import json
import shlex
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ..core.backend import current
from ..core.messages import WorkshopError, say
from ..core.workers import LambdaContext, WorkerPool
from ..shop import Span
from .hybrid import HybridShop

HOST = "127.0.0.1"
#: The largest request body the gateway passes on (an order is a few hundred bytes; API Gateway's own limit is 10 MB).
MAX_BODY_BYTES = 64 * 1024
#: The answer a Lambda handler returns: ``statusCode``, ``headers`` / ``multiValueHeaders``, ``body``, ``isBase64Encoded``.
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


# --- the event, and what the handlers need from it ------------------------------------------------


def proxy_event(method: str, path: str, *, body: bytes | str | None = None, headers: dict[str, str] | None = None,
                query: str = "", stage: str = "local", source_ip: str = HOST) -> dict[str, Any]:
    """The event API Gateway sends a Lambda proxy integration (REST API, payload 1.0) for one request.

    ``path`` is the request's path without the stage (API Gateway's ``path``); ``body`` bytes that
    are not UTF-8 travel base64-encoded, as API Gateway sends binary bodies.
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    encoded = False
    text: str | None = None
    if raw is not None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(raw).decode("ascii"), True
    hdrs = {"Host": HOST, "X-Forwarded-Proto": "http", **(headers or {})}
    pairs = parse_qsl(query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for key, value in pairs:
        multi_query.setdefault(key, []).append(value)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": hdrs,
        "multiValueHeaders": {k: [v] for k, v in hdrs.items()},
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": path,  # on API Gateway: the stage too ("/prod/orders/…"); none here
            "stage": stage,
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(time.time() * 1000),
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": source_ip},
            "domainName": hdrs["Host"],
            "apiId": "local",
            "accountId": current().account,
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


def order_links(event: Any, order_id: str) -> tuple[str, str]:
    """``(Location, full URL)`` of ``GET /orders/{order_id}`` for the API that received ``event``.

    On API Gateway the public path starts with the stage (``/prod/orders/…``): the ``Location``
    keeps it, so a client that follows it reaches the API again. ``event`` is Powertools'
    ``APIGatewayProxyEvent`` (``app.current_event``) or the raw event dict.
    """
    raw = getattr(event, "raw_event", event)
    public_path = (raw.get("requestContext") or {}).get("path") or raw["path"]
    base = public_path[: -len(raw["path"])] if public_path.endswith(raw["path"]) else ""
    location = f"{base}/orders/{order_id}"
    headers = {k.lower(): v for k, v in (raw.get("headers") or {}).items()}
    site = f"{headers.get('x-forwarded-proto', 'https')}://{headers.get('host', HOST)}"
    return location, site + location


def allowed_methods(app: Any, path: str) -> str:
    """The methods ``app`` (an ``APIGatewayRestResolver``) has routes for at ``path``, e.g. ``"GET, HEAD"``; ``""`` if none.

    What a ``405 Method Not Allowed`` lists in its ``Allow`` header. Reads the router's registered
    routes (Powertools keeps them on the resolver, static and dynamic apart).
    """
    routes = [*app._static_routes, *app._dynamic_routes]
    return ", ".join(dict.fromkeys(r.method.upper() for r in routes if r.rule.match(path)))


def step_rows(spans: Iterable[Span]) -> list[dict[str, Any]]:
    """The steps of an answer as JSON rows: step, service, real ms, outcome."""
    return [{"step": s.step, "service": s.service, "ms": round(s.duration_ms, 2), "outcome": s.outcome} for s in spans]


def _answer_headers(answer: dict[str, Any]) -> dict[str, str]:
    """A handler answer's headers (``multiValueHeaders`` joined, then ``headers``) as one dict."""
    out = {k: ", ".join(map(str, v)) for k, v in (answer.get("multiValueHeaders") or {}).items()}
    out.update({k: str(v) for k, v in (answer.get("headers") or {}).items()})
    return out


def _answer_body(answer: dict[str, Any]) -> bytes:
    body = answer.get("body") or ""
    if answer.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode("utf-8")


def _error(status: int, key: str, **kwargs: Any) -> dict[str, Any]:
    """An answer of the gateway itself, shaped like a handler's: JSON ``{"error": sentence}``."""
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"error": say(key, **kwargs)}, ensure_ascii=False)}


@dataclass(frozen=True)
class LogEntry:
    """One request as the gateway saw it."""

    method: str
    path: str
    status: int
    ms: float


# --- the server -----------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    api: OrderApi


class _Request(BaseHTTPRequestHandler):
    server: _Server
    server_version = "AsyncFirstSteps/1.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._forward("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._forward("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._forward("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._forward("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._forward("DELETE")

    def do_PATCH(self) -> None:  # noqa: N802
        self._forward("PATCH")

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._forward("OPTIONS")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence the default stderr log (it would land in whichever notebook cell runs): see ``api.log``."""

    def _forward(self, method: str) -> None:
        start = time.perf_counter()
        url = urlsplit(self.path)
        path = unquote(url.path)  # API Gateway passes the decoded path
        body = self._read_body()
        if isinstance(body, int):
            answer = _error(413, "api.too_large", size=body, limit=MAX_BODY_BYTES)
        else:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
            event = proxy_event(method, path, body=body if body or method in ("POST", "PUT", "PATCH") else None,
                                headers=headers, query=url.query, source_ip=self.client_address[0])
            answer = self.server.api.invoke(event)
        status = int(answer.get("statusCode", 500))
        # Logged before the answer goes out, so a client that got its answer finds it in the log.
        self.server.api.log.append(LogEntry(method, path, status, (time.perf_counter() - start) * 1000))
        raw = _answer_body(answer)
        self.send_response(status)
        headers = {"Content-Type": "application/json; charset=utf-8", **_answer_headers(answer)}
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(raw)

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


class OrderApi:
    """A Lambda handler served over HTTP on 127.0.0.1 (see the module doc), with the worker pool of its queue.

    ``OrderApi(handler, shop).start()`` or ``with OrderApi(handler, shop) as api: …``;
    :func:`start_api` is the notebook's one-liner. ``handler(event, context)`` is the Lambda
    entry point; ``shop`` is the :class:`HybridShop` it works on (its queue gets ``workers``
    worker threads, 0: none, orders stay ``ACCEPTED``), taking ``batch_size`` messages per
    receive (1 by default: an order starts as soon as any worker is free). ``port=0`` picks a
    free port; after :meth:`stop`, :meth:`start` tries the same port again so the ``curl``
    commands you copied keep working.
    """

    def __init__(self, handler: Handler, shop: HybridShop, *, workers: int = 2, port: int = 0,
                 batch_size: int = 1, function_name: str = "order-api") -> None:
        if not isinstance(workers, int) or isinstance(workers, bool) or not 0 <= workers <= 32:
            raise WorkshopError("api.bad_workers", value=workers)
        if not callable(handler):
            raise WorkshopError("api.bad_handler", kind=type(handler).__name__)
        self.handler = handler
        self.shop = shop
        self.workers = workers
        self.batch_size = batch_size
        self.function_name = function_name
        self._wanted_port = port
        self._last_port: int | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.pool: WorkerPool | None = None
        self._lock = threading.Lock()
        self._one_at_a_time = threading.Lock()
        #: The last requests the gateway answered (method, path, status, ms).
        self.log: collections.deque[LogEntry] = collections.deque(maxlen=1000)

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        """Call the handler with ``event`` and a Lambda-like context, one request at a time.

        A handler that raises or returns something that is not an answer gets ``500`` with one
        sentence: nothing reaches the client as a traceback.
        """
        backend = current()
        context = LambdaContext(self.function_name, backend.region, backend.account, timeout_s=30)
        with self._one_at_a_time:
            try:
                answer = self.handler(event, context)
            except Exception as exc:  # noqa: BLE001 (any failure of the handler is the client's 500)
                return _error(500, "api.internal", error=f"{type(exc).__name__}: {exc}")
        if not isinstance(answer, dict) or "statusCode" not in answer:
            return _error(500, "api.internal", error=f"the handler returned {type(answer).__name__}, not an answer")
        return answer

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
                return _Server((HOST, port), _Request)
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
        """One paragraph for the learner: where the API listens, and what it calls."""
        name = getattr(self.handler, "__qualname__", type(self.handler).__name__)
        return say("api.started", url=self.url, workers=self.workers, handler=name)

    def curl_commands(self, payload: dict[str, Any] | None = None) -> dict[str, str]:
        """The ``curl`` commands for this API's real port (see :func:`curl_commands`)."""
        return curl_commands(self.url, payload or self.shop.shop.sample_orders(1)[0])

    def print_curl(self, payload: dict[str, Any] | None = None) -> None:
        """Print the ``curl`` commands, ready to paste into JupyterLab's terminal."""
        for label, cmd in self.curl_commands(payload).items():
            print(f"# {label}\n{cmd}\n")


_started: list[OrderApi] = []


def start_api(handler: Handler, shop: HybridShop, *, workers: int = 2) -> OrderApi:
    """Serve ``handler`` for ``shop`` on 127.0.0.1 with ``workers`` queue workers, and return the API.

    One API per kernel: an API started earlier by this function is stopped first and its port
    reused, so re-running the notebook cell neither piles up servers nor changes the port in
    the ``curl`` commands.
    """
    port = 0
    while _started:
        old = _started.pop()
        port = old._last_port or port
        old.stop()
    api = OrderApi(handler, shop, workers=workers, port=port)
    try:
        api.start()
    except WorkshopError:
        api = OrderApi(handler, shop, workers=workers).start()  # the old port is taken: any free one
    _started.append(api)
    return api


def curl_commands(base_url: str, payload: dict[str, Any]) -> dict[str, str]:
    """The commands to paste into a terminal, webinar-style: time each endpoint, see an answer, poll.

    ``-w '%{time_total}\\n'`` makes curl print the seconds the request took. ``base_url`` is the
    API's URL (``http://127.0.0.1:PORT``); ``payload`` a valid order. The keys are the labels printed
    above each command, in the learner's language.
    """
    data = shlex.quote(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    post = f"-X POST -H 'Content-Type: application/json' -d {data}"
    timed = "curl -s -o /dev/null -w '%{time_total}\\n' " + post
    return {
        say("api.curl.sync_seconds"): f"{timed} {base_url}/sync/orders",
        say("api.curl.async_seconds"): f"{timed} {base_url}/async/orders",
        say("api.curl.hybrid_seconds"): f"{timed} {base_url}/hybrid/orders",
        say("api.curl.async_answer"): f"curl -s -i {post} {base_url}/async/orders",
        say("api.curl.status"): f"curl -s {base_url}/orders/ORDER_ID",
        say("api.curl.five_in_a_row"): f"for i in 1 2 3 4 5; do {timed} {base_url}/async/orders; done",
    }
