"""The demonstrations and measurements of 04_pubsub_fanout (each returns what its figure draws)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..core.backend import client
from ..core.messages import WorkshopError, say
from ..core.resources import purge
from ..core.sampling import wait_until
from ..shop import Shop
from .events import Event, Published, build_event, customer_tier, parse_event
from .filters import event_facts, policy_matches
from .publisher import FanoutShop
from .subscribers import RecordFn, Subscriber


def collect(queue_url: str, *, expect: int = 0, timeout: float = 5.0, settle_s: float = 0.3) -> list[Event]:
    """Receive and delete everything that arrives in ``queue_url``, parsed as :class:`Event` s.

    Waits until at least ``expect`` events arrived (or ``timeout``), then ``settle_s`` more for
    stragglers: on AWS, SNS delivers after ``Publish`` returns (on moto, before).
    """
    return collect_many({"q": queue_url}, {"q": expect}, timeout=timeout, settle_s=settle_s)["q"]


def collect_many(queues: dict[str, str], expect: dict[str, int] | None = None, *, timeout: float = 5.0,
                 settle_s: float = 0.3) -> dict[str, list[Event]]:
    """:func:`collect` for several queues at once (one shared wait): name → events received."""
    sqs = client("sqs")
    want = expect or {}
    got: dict[str, list[Event]] = {name: [] for name in queues}
    deadline = time.monotonic() + timeout
    quiet_until: float | None = None
    while True:
        busy = False
        for name, url in queues.items():
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       MessageAttributeNames=["All"]).get("Messages", [])
            if msgs:
                busy = True
                got[name] += [parse_event(m) for m in msgs]
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])
        if busy:
            quiet_until = None
            continue
        now = time.monotonic()
        if all(len(got[n]) >= want.get(n, 0) for n in queues):
            quiet_until = quiet_until or now + settle_s
            if now >= quiet_until:
                return got
        elif now >= deadline:
            return got
        time.sleep(0.05)


@dataclass
class FanoutRun:
    """N orders published once each, and what every service's workers did with them."""

    placed: list[Published]
    done: dict[str, int]  # service → distinct orders it processed among these
    deliveries: dict[str, int]  # service → events it processed (counting duplicates)
    finished_at: dict[str, dict[str, float]]  # service → order id → perf_counter when done
    publishes: int  # Publish calls made by the publisher

    @property
    def n(self) -> int:
        """Orders accepted."""
        return sum(1 for p in self.placed if p.ok)

    @property
    def ids(self) -> list[str]:
        """Accepted order ids, in order."""
        return [p.order_id for p in self.placed if p.ok and p.order_id]

    @property
    def publish_ms(self) -> list[float]:
        """Publisher response times (validate + store + Publish), real ms."""
        return [p.response_ms for p in self.placed if p.ok]


def fanout_run(fshop: FanoutShop, n: int = 10, *, start: int = 0, timeout: float = 30) -> FanoutRun:
    """Publish ``n`` sample orders (one Publish each) while every service's workers run; wait for all."""
    from ..core.backend import count_api_calls

    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 200:
        raise WorkshopError("fanout.bad_n", value=n)
    fshop.reset_counts()
    publishes_before = count_api_calls("sns", "Publish")
    own = not any(s.running for s in fshop.subscribers.values())
    if own:
        fshop.start()
    try:
        placed = fshop.place_many(fshop.sample_orders(n, start=start))
        publishes = count_api_calls("sns", "Publish") - publishes_before
        ids = [p.order_id for p in placed if p.ok and p.order_id]
        fshop.wait_until_processed(ids, timeout=timeout)
    finally:
        if own:
            fshop.stop()
    subs = fshop.subscribers
    return FanoutRun(
        placed,
        {name: s.processed(ids) for name, s in subs.items()},
        {name: sum(s.done[i] for i in ids) for name, s in subs.items()},
        {name: {i: s.finished_at[i] for i in ids if i in s.finished_at} for name, s in subs.items()},
        publishes,
    )


@dataclass
class DeployRun:
    """Orders flowing while one service's workers are stopped (a deploy) and another scales up."""

    placed: list[Published]
    down: str  # the service that was stopped
    scaled: str  # the service that was scaled up
    down_window: tuple[float, float]  # seconds since t0 when it stopped / started again
    scale_at: float  # seconds since t0 when ``scaled`` went from 1 to ``scaled_to`` workers
    scaled_to: int
    depth: dict[str, Any]  # service → DepthSeries
    processed: dict[str, int]  # service → distinct orders processed in the end
    done_during_down: dict[str, int]  # service → orders it finished while ``down`` was stopped (any order)
    t0: float
    interval_ms: float = 0.0  # one order every … ms

    @property
    def ids(self) -> list[str]:
        """Accepted order ids."""
        return [p.order_id for p in self.placed if p.ok and p.order_id]

    @property
    def peak_backlog(self) -> dict[str, int]:
        """Largest queue depth (visible + in flight) per service."""
        return {name: series.peak for name, series in self.depth.items()}


def deploy_run(fshop: FanoutShop, n: int = 30, *, interval_ms: float = 30, down: str = "email",
               scaled: str = "shipping", scaled_to: int = 3, start: int = 0, timeout: float = 30) -> DeployRun:
    """One client places ``n`` orders, one every ``interval_ms``; a third of the way in, ``down``'s
    workers stop (a deploy) and ``scaled`` scales to ``scaled_to`` workers; two thirds in, ``down``
    starts again. Every queue's depth is sampled. Returns when every service processed every order.
    """
    from ..core.sampling import DepthSampler

    if not isinstance(n, int) or isinstance(n, bool) or not 3 <= n <= 200:
        raise WorkshopError("fanout.bad_n", value=n)
    fshop[down]
    fshop[scaled]  # clear errors for unknown names, before anything starts
    fshop.reset_counts()
    fshop.stop()
    samplers = {name: DepthSampler(s.queue_url, interval_s=0.05) for name, s in fshop.subscribers.items()}
    payloads = fshop.sample_orders(n, start=start)
    fshop.start(1)
    t0 = time.perf_counter()
    for s in samplers.values():
        s.start()
    placed: list[Published] = []
    stop_at, restart_at, scale_at = n // 3, 2 * n // 3, n // 3
    window = [0.0, 0.0]
    done_at_stop: dict[str, set[str]] = {}
    done_restart: dict[str, set[str]] = {}
    try:
        for i, payload in enumerate(payloads):
            if i == stop_at:
                fshop[down].stop()
                window[0] = time.perf_counter() - t0
                done_at_stop = {name: set(s.done) for name, s in fshop.subscribers.items()}
            if i == scale_at:
                fshop[scaled].start(scaled_to)
            if i == restart_at:
                window[1] = time.perf_counter() - t0
                done_restart = {name: set(s.done) for name, s in fshop.subscribers.items()}
                fshop[down].start(1)
            due = t0 + i * interval_ms / 1000
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            placed.append(fshop.place_order(payload))
        ids = [p.order_id for p in placed if p.ok and p.order_id]
        fshop.wait_until_processed(ids, timeout=timeout)
        wait_until(lambda: all(sum(_depth(s.queue_url).values()) == 0 for s in fshop.subscribers.values()), 3,
                   poll_s=0.05)
    finally:
        series = {name: s.stop() for name, s in samplers.items()}
        fshop.stop()
    during = {name: len(done_restart[name] - done_at_stop[name]) for name in fshop.subscribers}
    return DeployRun(placed, down, scaled, (window[0], window[1]), window[0], scaled_to, series,
                     {name: s.processed(ids) for name, s in fshop.subscribers.items()}, during, t0, interval_ms)


def publisher_unchanged(before_ms: float, after_ms: float) -> tuple[bool, float]:
    """Did the publisher's median response time stay put after a subscriber was added? ``(holds, limit)``.

    Limit: ``before × 2 + 5 ms``. The slack absorbs noise on a shared 2-core laptop (measured: the
    median of 15 orders moved between 9 and 29 ms from one run to the next with nothing changed)
    and moto's in-Publish delivery to one more queue (a few milliseconds for a raw subscriber). A
    publisher that waited for its new subscriber could not pass whatever the slack: in
    :func:`live_add` that subscriber's worker only starts after the last order, so a waiting
    publisher would not answer at all (:attr:`LiveAdd.answered_before_worker` checks exactly that).
    """
    limit = before_ms * 2 + 5.0
    return after_ms <= limit, limit


def _depth(url: str) -> dict[str, int]:
    from ..core.resources import queue_depth

    return queue_depth(url)


@dataclass
class LiveAdd:
    """Orders flowing while a new subscriber is added: publisher times before and after."""

    placed: list[Published]
    t0: float
    added_window: tuple[float, float]  # seconds since t0: subscribe call started / returned
    name: str
    received: set[str]  # order ids the new subscriber processed
    publish_api_ms: dict[str, float]  # median time of the Publish call alone, "before" / "after"
    worker_started: float = float("nan")  # seconds since t0 when the new subscriber's worker started

    def _side(self, before: bool) -> list[Published]:
        a, b = self.added_window
        return [p for p in self.placed if p.ok and ((p.end - self.t0) < a if before else (p.start - self.t0) > b)]

    @property
    def before(self) -> list[Published]:
        """Orders answered before the subscription was created."""
        return self._side(True)

    @property
    def after(self) -> list[Published]:
        """Orders that arrived after the subscription existed."""
        return self._side(False)

    @property
    def median_ms(self) -> dict[str, float]:
        """Median publisher response time, ``{"before", "after"}``, real ms."""
        from ..shop import percentile

        return {"before": percentile([p.response_ms for p in self.before], 50),
                "after": percentile([p.response_ms for p in self.after], 50)}

    @property
    def answered_before_worker(self) -> bool:
        """True when every "after" order was answered before the new subscriber's worker started."""
        return bool(self.after) and max(p.end - self.t0 for p in self.after) < self.worker_started

    @property
    def missed_after(self) -> list[str]:
        """Orders placed after the subscription existed that the new subscriber did not get."""
        return [p.order_id for p in self.after if p.order_id not in self.received]

    @property
    def got_before(self) -> list[str]:
        """Orders answered before the subscription existed that it got anyway (should be none)."""
        return [p.order_id for p in self.before if p.order_id in self.received]


def live_add(fshop: FanoutShop, name: str, record_fn: RecordFn | None = None, *, n_before: int = 30,
             n_after: int = 30, interval_ms: float = 30, start: int = 0, timeout: float = 30,
             start_worker: str = "after", **subscriber_kwargs: Any) -> LiveAdd:
    """Orders flow (one every ``interval_ms``) while every service's workers run; after ``n_before``
    orders, the subscriber ``name`` is added from another thread, without pausing the client;
    orders keep coming while it is being subscribed, then ``n_after`` more follow. The publisher
    object is the same throughout.

    ``start_worker="after"`` (default) starts the new subscriber's worker once the last order is
    answered (its queue holds the events meanwhile), so both halves of the measurement run with
    the same threads competing for this machine and the emulator's lock — the comparison is then
    about the publisher, not about how many threads share a laptop. ``"now"`` starts it at once.
    """
    if any(not isinstance(v, int) or isinstance(v, bool) or not 5 <= v <= 200 for v in (n_before, n_after)):
        raise WorkshopError("fanout.bad_n", value=(n_before, n_after))
    if start_worker not in ("after", "now"):
        raise WorkshopError("fanout.bad_start_worker", value=start_worker)
    if name in fshop.subscribers:
        fshop.remove_subscriber(name)
    fshop.stop()
    fshop.reset_counts()
    fshop.start(1)
    placed: list[Published] = []
    window = [float("inf"), float("inf")]
    t0 = time.perf_counter()
    holder: dict[str, Subscriber] = {}

    def subscribe() -> None:
        window[0] = time.perf_counter() - t0
        holder["sub"] = fshop.add_subscriber(name, record_fn, **subscriber_kwargs)
        window[1] = time.perf_counter() - t0
        if start_worker == "now":
            holder["sub"].start(1)

    adder = threading.Thread(target=subscribe, name="add-subscriber", daemon=True)
    worker_at = float("nan")
    try:
        i = after = 0
        while after < n_after:  # orders keep coming while the subscription is made: n_after more after it
            if i == n_before:
                adder.start()
            due = t0 + i * interval_ms / 1000
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            subscribed = window[1] < float("inf")
            placed.append(fshop.place_order(fshop.sample_orders(1, start=start + i)[0]))
            after += subscribed
            i += 1
            if i > n_before + n_after + 1000:  # the subscription never finished: stop here
                break
        adder.join(timeout)
        sub = holder.get("sub")
        if sub is not None and not sub.running:
            worker_at = time.perf_counter() - t0
            sub.start(1)
        elif sub is not None:
            worker_at = window[1]
        after_ids = [p.order_id for p in placed if p.ok and p.order_id and p.start - t0 > window[1]]
        if sub is not None:
            fshop.wait_until_processed(after_ids, services=[name], timeout=timeout)
        all_ids = [p.order_id for p in placed if p.ok and p.order_id]
        fshop.wait_until_processed(all_ids, services=[s for s in fshop.subscribers if s != name], timeout=timeout)
    finally:
        fshop.stop()
    sub = holder.get("sub")
    received = set(sub.done) if sub is not None else set()
    api_before = [p.publish_ms for p in placed if p.ok and p.end - t0 < window[0]]
    api_after = [p.publish_ms for p in placed if p.ok and p.start - t0 > window[1]]
    from ..shop import percentile

    return LiveAdd(placed, t0, (window[0], window[1]), name, received,
                   {"before": percentile(api_before, 50), "after": percentile(api_after, 50)}, worker_at)


#: 04 section 3: six orders to route (label → payload without an order id). Totals in yen:
#: A 1,800 · B 13,000 · C 19,200 · D 2,400 · E 3,600 · F 26,000.
ROUTING_ORDERS: dict[str, dict[str, Any]] = {
    "A": {"customer_id": "cust-aiko", "items": [{"product_id": "whisk", "quantity": 1}], "shipping": "express"},
    "B": {"customer_id": "cust-ren", "items": [{"product_id": "kyusu", "quantity": 2}], "shipping": "standard"},
    "C": {"customer_id": "cust-mei", "items": [{"product_id": "tea-bowl", "quantity": 4}], "shipping": "express"},
    "D": {"customer_id": "cust-haruto", "items": [{"product_id": "matcha-100g", "quantity": 1}],
          "shipping": "standard"},
    "E": {"customer_id": "cust-riku", "items": [{"product_id": "whisk", "quantity": 2}], "shipping": "express"},
    "F": {"customer_id": "cust-sakura", "items": [{"product_id": "kyusu", "quantity": 4}], "shipping": "standard"},
}
#: 04 section 3: the filtered subscribers: name → (filter policy, scope).
ROUTING_SUBSCRIBERS: dict[str, tuple[dict[str, Any], str]] = {
    "express-shipping": ({"shipping_speed": ["express"]}, "MessageAttributes"),
    "fraud-review": ({"total_amount": [{"numeric": [">=", 20000]}]}, "MessageAttributes"),
    "gold-gift": ({"customer": {"tier": ["gold"]}}, "MessageBody"),
}


def routing_table(orders: dict[str, dict[str, Any]] | None = None, shop: Shop | None = None) -> list[dict[str, Any]]:
    """The facts a filter policy sees, per order label: customer, tier, shipping, total (yen)."""
    from ..shop import load_catalog

    catalog = shop.catalog if shop is not None else load_catalog()
    rows = []
    for label, payload in (orders or ROUTING_ORDERS).items():
        total = sum(catalog[i["product_id"]].price_jpy * i["quantity"] for i in payload["items"])
        rows.append({"order": label, "customer": payload["customer_id"], "tier": customer_tier(payload["customer_id"]),
                     "shipping": payload.get("shipping", "standard"), "total_jpy": total})
    return rows


def expected_routes(orders: dict[str, dict[str, Any]] | None = None,
                    subscribers: dict[str, tuple[dict[str, Any], str]] | None = None,
                    shop: Shop | None = None) -> dict[str, set[str]]:
    """Which order labels each filtered subscriber should get, by :func:`policy_matches` on the real events."""
    from ..shop import load_catalog, validate_order

    catalog = shop.catalog if shop is not None else load_catalog()
    out: dict[str, set[str]] = {}
    for name, (policy, scope) in (subscribers or ROUTING_SUBSCRIBERS).items():
        out[name] = set()
        for label, payload in (orders or ROUTING_ORDERS).items():
            order = validate_order({**payload, "order_id": f"x-{label}"}, catalog)
            attrs, body = event_facts(*build_event(order, shipping=payload.get("shipping", "standard")))
            if policy_matches(policy, attrs, body, scope=scope):
                out[name].add(label)
    return out


def format_routing_table(rows: list[dict[str, Any]] | None = None) -> str:
    """The routing orders as a text table (for the prediction cell)."""
    rows = rows or routing_table()
    head = f"{'order':<6}{'customer':<14}{'tier':<9}{'shipping':<10}{'total (yen)':>12}"
    lines = [head, "-" * len(head)]
    lines += [f"{r['order']:<6}{r['customer']:<14}{r['tier']:<9}{r['shipping']:<10}{r['total_jpy']:>12,}" for r in rows]
    return "\n".join(lines)


@dataclass
class RoutingRun:
    """The routing orders published once each, and which filtered queue got which."""

    ids: dict[str, str]  # label → order id
    received: dict[str, set[str]]  # subscriber → labels it received
    expected: dict[str, set[str]]  # subscriber → labels the filter policies select
    unfiltered: dict[str, set[str]]  # the unfiltered services → labels (all of them)

    @property
    def as_predicted(self) -> bool:
        """True when every filtered queue got exactly what the policies select."""
        return self.received == self.expected


def routing_run(fshop: FanoutShop, *, orders: dict[str, dict[str, Any]] | None = None,
                subscribers: dict[str, tuple[dict[str, Any], str]] | None = None, timeout: float = 10) -> RoutingRun:
    """Subscribe the filtered queues, publish the routing orders, and read back who got what.

    The service workers are not running here: their queues are read and emptied directly.
    """
    import secrets

    orders = orders or ROUTING_ORDERS
    subs = subscribers or ROUTING_SUBSCRIBERS
    fshop.stop()
    for name, (policy, scope) in subs.items():
        fshop.add_subscriber(name, filter_policy=policy, filter_scope=scope)
    for sub in fshop.subscribers.values():
        purge(sub.queue_url)
    run = secrets.token_hex(2)
    ids: dict[str, str] = {}
    for label, payload in orders.items():
        answer = fshop.place_order({**payload, "order_id": f"route-{run}-{label}"})
        if not answer.ok:
            raise WorkshopError("fanout.route_failed", label=label, error=answer.error)
        ids[label] = answer.order_id or ""
    labels = {oid: label for label, oid in ids.items()}
    expected = expected_routes(orders, subs, fshop.shop)
    received: dict[str, set[str]] = {}
    unfiltered: dict[str, set[str]] = {}
    queues = {name: sub.queue_url for name, sub in fshop.subscribers.items()}
    want = {name: len(expected[name]) if name in expected else len(orders) for name in queues}
    for name, events in collect_many(queues, want, timeout=timeout).items():
        got = {labels[e.order_id] for e in events if e.order_id in labels}
        (received if name in subs else unfiltered)[name] = got
    return RoutingRun(ids, received, expected, unfiltered)


@dataclass
class Deliveries:
    """The same event as two subscribers received it: wrapped in SNS's envelope, and raw."""

    envelope_body: str
    envelope_attributes: dict[str, Any]  # SQS message attributes of the envelope message (none)
    raw_body: str
    raw_attributes: dict[str, Any]  # SQS message attributes of the raw message (SNS's, carried over)
    envelope_event: Event
    raw_event: Event


def delivery_demo(fshop: FanoutShop, *, timeout: float = 10) -> Deliveries:
    """Subscribe ``peek-envelope`` (default delivery) and ``peek-raw`` (raw), publish one order,
    read what each got, then unsubscribe both. The service queues get the order as usual.
    """
    env_sub = fshop.add_subscriber("peek-envelope")
    raw_sub = fshop.add_subscriber("peek-raw", raw=True)
    try:
        answer = fshop.place_order(fshop.sample_orders(1)[0])
        if not answer.ok:
            raise WorkshopError("fanout.route_failed", label="peek", error=answer.error)
        sqs = client("sqs")
        got: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + timeout
        while len(got) < 2 and time.monotonic() < deadline:
            for key, sub in (("env", env_sub), ("raw", raw_sub)):
                if key not in got:
                    msgs = sqs.receive_message(QueueUrl=sub.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=0,
                                               MessageAttributeNames=["All"]).get("Messages", [])
                    if msgs:
                        got[key] = msgs[0]
                        sqs.delete_message(QueueUrl=sub.queue_url, ReceiptHandle=msgs[0]["ReceiptHandle"])
            time.sleep(0.02)
        if len(got) < 2:
            raise WorkshopError("fanout.nothing_delivered", timeout=timeout)
    finally:
        fshop.remove_subscriber("peek-envelope")
        fshop.remove_subscriber("peek-raw")
    env, raw = got["env"], got["raw"]

    def plain(attrs: dict[str, Any]) -> dict[str, Any]:
        return {n: a.get("StringValue") for n, a in (attrs or {}).items()}

    return Deliveries(env["Body"], plain(env.get("MessageAttributes", {})), raw["Body"],
                      plain(raw.get("MessageAttributes", {})), parse_event(env), parse_event(raw))


def oversized_demo(fshop: FanoutShop, *, kib: int = 300) -> tuple[Published, bool]:
    """Place an order whose gift message makes its event ``kib`` KiB; ``(answer, order stored?)``."""
    import secrets

    wish = "お誕生日おめでとう! "  # 29 bytes in UTF-8: Japanese characters take 3 bytes each
    oid = f"big-{secrets.token_hex(3)}"
    payload = {**fshop.sample_orders(1)[0], "order_id": oid,
               "gift_message": wish * (kib * 1024 // len(wish.encode()) + 1)}
    answer = fshop.place_order(payload)
    return answer, fshop.shop.store.get_order(oid) is not None


def queue_policy(queue_url: str) -> dict[str, Any] | None:
    """The queue's access policy (what lets the topic send to it on real AWS), or ``None``."""
    text = client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"]).get(
        "Attributes", {}).get("Policy")
    return json.loads(text) if text else None


_NOISE = ("Signature", "SigningCertURL", "UnsubscribeURL", "SignatureVersion")


def format_deliveries(demo: Deliveries, width: int = 100) -> str:
    """Both bodies as a subscriber sees them, long fields shortened, for printing side by side (one after the other)."""

    def short(value: Any) -> Any:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return text if len(text) <= width else text[: width - 1] + "…"

    env = json.loads(demo.envelope_body)
    env_view = {k: (short(v) if k in _NOISE or k == "Message" else v) for k, v in env.items()}
    raw_view = {k: short(v) if k == "order" else v for k, v in json.loads(demo.raw_body).items()}
    return "\n".join([
        "── envelope (default): the SQS message body is SNS's JSON; the event is a string inside \"Message\"",
        json.dumps(env_view, indent=2, ensure_ascii=False),
        "   SQS message attributes: " + (json.dumps(demo.envelope_attributes) if demo.envelope_attributes else "none"),
        "",
        "── raw (RawMessageDelivery=true): the SQS message body is the event itself",
        json.dumps(raw_view, indent=2, ensure_ascii=False),
        "   SQS message attributes: " + json.dumps(demo.raw_attributes, ensure_ascii=False),
    ])


def try_policy(policy_json: str, scope: str = "MessageAttributes") -> str:
    """Which routing orders (A–F) a filter policy would let through, by :func:`policy_matches`; one line each.

    For the notebook's widget: the text is parsed as JSON, and a mistake is reported as a sentence.
    """
    try:
        policy = json.loads(policy_json)
    except ValueError as exc:
        return say("fanout.policy_not_json", error=str(exc))
    try:
        routes = expected_routes(subscribers={"try": (policy, scope)})["try"]
    except WorkshopError as err:
        return f"⚠ {err}"
    lines = []
    for row in routing_table():
        mark = "✓ gets it " if row["order"] in routes else "· filtered"
        lines.append(f"{mark}  order {row['order']}: {row['customer']:<12} {row['tier']:<8} {row['shipping']:<9} "
                     f"{row['total_jpy']:>7,} yen")
    return "\n".join(lines)
