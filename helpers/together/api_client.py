"""The client side of the order API: standard library only, to measure it and to follow one order.

:func:`request` (``urllib`` with proxies switched off — a proxy must never see 127.0.0.1),
:func:`measure`, :func:`compare_endpoints` and :func:`follow_order` (POST, then poll
``GET /orders/{id}``); :func:`what_the_customer_is_told` while a service is down;
the commands to paste into a terminal are :func:`helpers.together.api.curl_commands`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core.display import Table
from ..core.messages import WorkshopError, catalog, say
from ..core.sampling import wait_until
from ..shop import Status, percentile
from .api import OrderApi

#: The statuses an order ends in.
FINAL = (Status.COMPLETED, Status.FAILED)

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

    def p50(self, path: str) -> float:
        """Median client-side time of ``path``, real ms."""
        return self.runs[path].p50

    def ratio(self, slow: str, fast: str) -> float:
        """How many times longer the median of ``slow`` is than that of ``fast``."""
        return self.p50(slow) / self.p50(fast)

    def only(self, *paths: str) -> Comparison:
        """The same measurements, for some endpoints only (e.g. to plot two of three)."""
        return Comparison({p: self.runs[p] for p in paths})


def wait_until_final(api: OrderApi, order_ids: Sequence[str], timeout_s: float) -> bool:
    """Wait until every order of ``order_ids`` is COMPLETED or FAILED in the orders table (False on timeout).

    Read from the table, not from the worker's memory, so it works whichever handler accepted the order.
    """
    pending = set(order_ids)

    def done() -> bool:
        for oid in list(pending):
            if (api.shop.shop.store.get_order(oid) or {}).get("status") in FINAL:
                pending.discard(oid)
        return not pending

    return wait_until(done, timeout_s, poll_s=0.02)


def compare_endpoints(api: OrderApi, n: int = 10,
                      paths: Sequence[str] = ("/sync/orders", "/async/orders"), *,
                      start: int = 0, interleave: bool = True, timeout_s: float = 60) -> Comparison:
    """``n`` sample orders to each of ``paths`` over HTTP, then wait until every order is finished.

    One client sends one request after another, as in the webinar's terminal. ``interleave``
    (default) takes the endpoints in turn — sync, async, sync, async … — so every endpoint
    meets the same conditions (the same busy workers, the same other programs on the laptop);
    ``False`` sends all of one endpoint's orders, then the next one's. Each endpoint gets its own
    orders (sample orders from ``start`` on). Waiting for the queued orders to finish means the
    next measurement starts with an idle queue.
    """
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 200:
        raise WorkshopError("api.bad_n", value=n)
    base = _base(api)
    payloads = {path: api.shop.shop.sample_orders(n, start=start + i * n) for i, path in enumerate(paths)}
    answers: dict[str, list[HttpResponse]] = {path: [] for path in paths}
    order = ([(k, path) for k in range(n) for path in paths] if interleave
             else [(k, path) for path in paths for k in range(n)])
    for k, path in order:
        answers[path].append(request("POST", base + path, payloads[path][k]))
    runs = {path: HttpRun(path, answers[path]) for path in paths}
    ids = [oid for run in runs.values() for r in run.responses if r.status in (201, 202) and (oid := r.order_id)]
    wait_until_final(api, ids, timeout_s)
    return Comparison(runs)


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

    case: str  # the situation, in the learner's language
    path: str
    http_status: int
    ms: float
    message: str
    final_status: str | None
    failed_step: str | None
    case_en: str = ""  # the situation in English, so code can name a row in any language


@dataclass
class ToldResult:
    """The same situations through every endpoint."""

    rows: list[Told]

    def row(self, case: str, path: str) -> Told:
        """The row of one case (as shown, or in English) and endpoint."""
        return next(r for r in self.rows if case in (r.case, r.case_en) and r.path == path)

    def table(self) -> Table:
        """Case, endpoint, HTTP status, time, what the customer was told, and how the order ended."""
        t = Table([say(f"api.col.{c}") for c in ("situation", "endpoint", "http", "ms", "told", "ended")],
                  title=say("api.told_title"))
        for r in self.rows:
            ended = say("api.ended_at", status=r.final_status, step=r.failed_step) if r.failed_step else str(r.final_status)
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
    english = catalog()["en"]
    cases = [("api.case.up", {}, False), ("api.case.down", {"service": svc.name}, True)]
    rows: list[Told] = []
    for i, (key, values, outage) in enumerate(cases):
        case, case_en = say(key, **values), english[key].format(**values)
        payloads = shop.sample_orders(len(PATHS), start=start + i * len(PATHS))
        if outage:
            svc.take_down()
        try:
            answers = [(path, request("POST", api.url + path, p)) for path, p in zip(PATHS, payloads, strict=True)]
            for path, r in answers:
                body = r.body if isinstance(r.body, dict) else {}
                final = wait_final(api, r.order_id) if r.order_id else {}
                rows.append(Told(case, path, r.status, r.ms, str(body.get("message") or body.get("error")),
                                 final.get("status"), final.get("failed_step"), case_en))
        finally:
            if outage:
                svc.restore()
    return ToldResult(rows)
