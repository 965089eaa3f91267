"""What 07_real_aws and 99_cleanup need beyond the other helpers: saying where the run goes and what
it costs before it starts, and cleaning up afterwards from a fresh kernel.

* :func:`preflight` — the first thing 07 shows: account (STS GetCallerIdentity), region, endpoint
  (an emulator is *not* real AWS), prefix, the resources the run will create and a rough cost.
* the flows of 07, each doing what real AWS needs and moto does not check: :func:`fanout_run`
  (04's fan-out, waiting until new queue policies actually let messages through) and
  :func:`dlq_run` (an outage sends orders to a dead-letter queue; 05's redrive brings them back
  with ``StartMessageMoveTask`` where the backend has it); the deployed handlers are read back
  and timed by :mod:`helpers.real_aws.deployed`;
* :func:`cleanup` — what 99_cleanup and ``make clean-aws`` do: find everything of a prefix by
  listing the account (name + tag, never from memory), delete it, report per resource what could
  not be deleted, then list what remains — waiting on real AWS, which keeps listing a deleted
  queue for up to a minute.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.backend import BackendInfo, client, current
from ..core.display import columns, pad
from ..core.messages import say
from ..core.resources import (
    Found,
    TeardownReport,
    ensure_queue,
    find_resources,
    kind_label,
    name,
    prefix,
    purge,
    queue_arn,
    queue_depth,
    tags,
    teardown,
)
from ..shop import percentile
from ..shop.store import TABLES
from .cost import CostEstimate, estimate, lambda_usage

# --- before the run ----------------------------------------------------------------------------

#: The message key of each kind of resource the preflight lists (its name in the learner's language).
#: Kinds that are also found and deleted use the plumbing's names (``resource.*``); two are the plan's own.
KIND_KEYS = {
    "sqs queue": "resource.sqs_queue",
    "sns topic": "resource.sns_topic",
    "sns subscription": "resource.sns_subscription",
    "dynamodb table (on-demand)": "real.kind_dynamodb_table",
    "lambda function": "resource.lambda_function",
    "event source mapping": "real.kind_event_source_mapping",
    "api gateway rest api": "resource.api_gateway_rest_api",
    "iam role": "resource.iam_role",
    "log group": "resource.log_group",
}


@dataclass
class Preflight:
    """Where the run goes, what it creates, and roughly what it costs (upper bound)."""

    info: BackendInfo
    prefix: str
    creates: list[tuple[str, str]]  # (kind, full name)
    planned: CostEstimate

    @property
    def mode(self) -> str:
        """``moto`` (in this process), ``endpoint`` (an emulator over HTTP) or ``aws`` (real AWS)."""
        if self.info.name == "moto":
            return "moto"
        return "endpoint" if self.info.endpoint else "aws"

    def lines(self) -> list[str]:
        """What the first cell prints."""
        out = [
            say("real.head_account", account=self.info.account),
            say("real.head_region", region=self.info.region),
            say("real.head_endpoint", endpoint=self.info.endpoint or say("real.endpoint_" + self.mode)),
            say("real.head_prefix", prefix=self.prefix),
        ]
        if self.mode == "moto":
            out.append(say("real.moto_explains"))
        elif self.mode == "endpoint":
            out.append(say("real.endpoint_explains", endpoint=self.info.endpoint))
        else:
            out.append(say("real.real_aws_warning", account=self.info.account, region=self.info.region,
                           prefix=self.prefix, calls=self.planned_calls, usd=self.planned.total_usd))
        out.append(say("real.creates"))
        kinds = [(say(KIND_KEYS[kind]) if kind in KIND_KEYS else kind, full) for kind, full in self.creates]
        width = max([27, *(columns(kind) + 1 for kind, _ in kinds)])  # wide (Japanese) names stay aligned
        out += [f"  {pad(kind, width)} {full}" for kind, full in kinds]
        out.append(say("real.planned", calls=self.planned_calls, usd=self.planned.total_usd,
                       region=self.planned.prices.region, as_of=self.planned.prices.as_of))
        return out

    @property
    def planned_calls(self) -> int:
        return billed_units(self.planned)

    def show(self) -> None:
        print("\n".join(self.lines()))


def preflight(creates: Mapping[str, list[str]], planned_calls: Mapping[tuple[str, str], int],
              usage: Mapping[str, float] | None = None) -> Preflight:
    """Describe the run before it starts: ``creates`` is ``{kind: [short names]}``, ``planned_calls``
    an upper bound of the API calls the run will make and ``usage`` of what is billed otherwise
    (API Gateway requests, Lambda), priced with :func:`helpers.real_aws.cost.estimate`."""
    info = current()
    pfx = prefix()
    items = [(kind, short.replace("…", pfx) if short.startswith("/") else f"{pfx}-{short}")
             for kind, shorts in creates.items() for short in shorts]
    return Preflight(info, pfx, items, estimate(planned_calls, usage=usage, region=info.region))


# --- the plan of 07: what it creates and an upper bound of its billed calls ------------------------


@dataclass(frozen=True)
class Plan07:
    """The sizes of 07's flows; :meth:`creates` and :meth:`calls` follow from them."""

    n_compare: int = 6
    n_fanout: int = 6
    n_dlq: int = 4
    max_receive: int = 2
    n_api: int = 10

    def creates(self) -> dict[str, list[str]]:
        """``{kind: [short names]}`` of everything the run creates (all ``<prefix>-…``)."""
        tables = [short for short, _key, _sk in TABLES.values()]
        return {
            "sqs queue": ["orders", "rt-orders", "rt-orders-dlq", *FANOUT_SUBSCRIBERS, "lambda-orders"],
            "sns topic": ["order-events"],
            "sns subscription": [f"order-events → {s}" for s in FANOUT_SUBSCRIBERS],
            "dynamodb table (on-demand)": tables,
            "lambda function": ["api", "worker"],
            "event source mapping": ["lambda-orders → worker"],
            "api gateway rest api": ["api"],
            "iam role": ["api-role", "worker-role"],
            "log group": ["/aws/lambda/…-api", "/aws/lambda/…-worker"],
        }

    def calls(self) -> dict[tuple[str, str], int]:
        """A generous upper bound of the billed calls, by billing line (checked against the real count
        at the end of 07). Time-driven calls — workers long-polling every second — are included."""
        sqs = 80 + (60 + 5 * self.n_compare) + (150 + 6 * self.n_fanout) + (300 + 10 * self.n_dlq)
        sns = 40 + self.n_fanout
        ddb = 60 + 40 * self.n_compare + 30 * self.n_fanout + (200 + 20 * (self.max_receive + 3) * self.n_dlq)
        ddb += 30 + 5 * self.n_api  # reading the accepted orders' status back (real AWS)
        return {("sqs", "SendMessage"): sqs, ("sns", "Publish"): sns, ("dynamodb", "PutItem"): ddb}

    def usage(self) -> dict[str, float]:
        """An upper bound of what the deployed API costs beyond API calls: ``n_api`` orders to each
        endpoint, each function call at most 2 s at 256 MB, one worker call per order."""
        calls = 3 * self.n_api
        return {"apigateway.rest_requests": 2 * self.n_api, **lambda_usage(calls, 2000, 256)}


def preflight_07(plan: Plan07) -> Preflight:
    """:func:`preflight` for 07's plan."""
    return preflight(plan.creates(), plan.calls(), plan.usage())


def billed_units(est: CostEstimate) -> int:
    """Billed requests and request units in an estimate (Lambda usage excluded)."""
    return int(sum(r.quantity for r in est.rows if r.key.startswith(("sqs.", "sns.", "dynamodb."))))


def round_trip_ms(n: int = 7) -> float:
    """Median time of one small SQS call (GetQueueAttributes) from here: the network's share of every call."""
    from ..core.resources import ensure_queue as _ensure

    url = _ensure("orders")
    sqs = client("sqs")
    times = []
    for _ in range(n):
        t = time.perf_counter()
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        times.append((time.perf_counter() - t) * 1000)
    return percentile(times, 50)


# --- the flows of 07 ----------------------------------------------------------------------------


@dataclass
class FanoutRun:
    """Orders placed through 04's fan-out API on this backend, and what each subscriber processed."""

    published: int
    expected: dict[str, int]  # subscriber -> orders it should process (its filter applied)
    received: dict[str, int]  # subscriber -> orders it processed
    publish_ms: list[float]  # the publishing API's response times
    policy_wait_s: float  # how long until freshly set queue policies let a probe through

    @property
    def complete(self) -> bool:
        """Every subscriber processed exactly what its filter lets through."""
        return self.received == self.expected

    def show(self) -> None:
        """One line per subscriber, then the publisher's response time."""
        for sub in self.expected:
            print(say("real.fanout_line", sub=sub, expected=self.expected[sub], received=self.received[sub]))
        print(say("real.fanout_publish", p50=percentile(self.publish_ms, 50), wait=self.policy_wait_s))

    def plot(self, backend_name: str = "") -> Any:
        """Bars: orders each subscriber should process and did process."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 3.2))
        subs = list(self.expected)
        xs = range(len(subs))
        ax.bar([x - 0.2 for x in xs], [self.expected[s] for s in subs], width=0.4, label=say("real.fanout_expected"),
               color="tab:gray")
        ax.bar([x + 0.2 for x in xs], [self.received[s] for s in subs], width=0.4, label=say("real.fanout_processed"),
               color="tab:green")
        ax.set_xticks(list(xs), subs)
        ax.set_xlabel(say("real.fanout_xlabel"))
        ax.set_ylabel(say("real.fanout_ylabel"))
        ax.set_title(say("real.fanout_title", backend=backend_name or "this backend", n=self.published))
        ax.legend()
        fig.tight_layout()
        return fig


def _receive_some(url: str, timeout_s: float) -> int:
    """Receive and delete what arrives at ``url`` within ``timeout_s``; how many messages."""
    sqs = client("sqs")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if msgs:
            sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                            for i, m in enumerate(msgs)])
            return len(msgs)
    return 0


def wait_for_delivery(topic: str, urls: list[str], attributes: dict[str, str], timeout_s: float = 60) -> float:
    """Publish probes until every queue got one, then empty the queues; seconds it took.

    Real AWS needs a moment before a new queue policy lets SNS deliver, and a message published
    before that is dropped without an error. ``attributes`` must pass every subscription's filter.
    """
    sns = client("sns")
    attrs = {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()}
    start = time.monotonic()
    pending = list(urls)
    while pending and time.monotonic() - start < timeout_s:
        sns.publish(TopicArn=topic, Message=json.dumps({"probe": True}), MessageAttributes=attrs)
        pending = [u for u in pending if not _receive_some(u, 2.0)]
    for url in urls:
        purge(url)
    return time.monotonic() - start


#: Subscribers of 07's fan-out: 04's three services plus one with a filter policy (express orders only).
FANOUT_SUBSCRIBERS = ("shipping", "email", "points", "express")


def fanout_run(shop: Any, n: int = 12, *, timeout_s: float = 60) -> FanoutRun:
    """04's fan-out (:class:`~helpers.fanout.FanoutShop`) on this backend: three services and an
    ``express`` subscriber with a filter policy; wait for the queue policies; place ``n`` orders."""
    from ..fanout import SERVICES, FanoutShop

    fshop = FanoutShop.create(shop, visibility_timeout=5)  # a failed record (e.g. out of stock) retries in 5 s
    fshop.add_subscriber("express", filter_policy={"shipping_speed": ["express"]})
    urls = [sub.queue_url for sub in fshop.subscribers.values()]
    policy_wait = wait_for_delivery(fshop.topic_arn, urls, {"shipping_speed": "express"}, timeout_s)
    payloads = fshop.sample_orders(n)
    with fshop:
        published = fshop.place_many(payloads)
        ids = [p.order_id for p in published if p.ok and p.order_id]
        express = [p.order_id for p, pl in zip(published, payloads, strict=True)
                   if p.ok and p.order_id and pl.get("shipping") == "express"]
        fshop.wait_until_processed(ids, services=list(SERVICES), timeout=timeout_s)
        fshop.wait_until_processed(express, services=["express"], timeout=timeout_s)
    expected = {name: (len(express) if name == "express" else len(ids)) for name in fshop.subscribers}
    received = {name: sub.processed(ids) for name, sub in fshop.subscribers.items()}
    return FanoutRun(len(ids), expected, received, [p.response_ms for p in published if p.ok], policy_wait)


@dataclass
class DlqRun:
    """An outage, the dead-letter queue, the redrive, and the recovery."""

    orders: list[str]
    in_dlq: int  # messages in the DLQ after the outage
    dlq_wait_s: float
    redrive: Any  # helpers.failure.dlq.RedriveResult: method, moved, note
    statuses: dict[str, str | None]  # after the redrive

    @property
    def all_completed(self) -> bool:
        return bool(self.orders) and all(s == "COMPLETED" for s in self.statuses.values())


def dlq_run(shop: Any, n: int = 4, *, max_receive: int = 2, visibility_s: int = 1, timeout_s: float = 120) -> DlqRun:
    """Payment is down: every order fails ``max_receive`` times and lands in the DLQ (none lost).
    Payment comes back; 05's :func:`helpers.failure.dlq.redrive` returns the messages (``StartMessageMoveTask``
    where the backend has it, receive → send → delete where not); the workers complete every order."""
    from ..core.sampling import wait_until
    from ..failure.dlq import redrive
    from ..queues.async_shop import AsyncShop

    dlq = ensure_queue("rt-orders-dlq")
    url = ensure_queue("rt-orders", visibility_timeout=visibility_s, dlq_arn=queue_arn(dlq),
                       max_receive_count=max_receive)
    purge(dlq)
    purge(url)
    ashop = AsyncShop(shop, url, retry_failures=True)
    start = time.monotonic()
    with shop.service("payment").outage():
        pool = ashop.pool(2).start()
        try:
            ids = [a.order_id for a in ashop.accept_many(shop.sample_orders(n)) if a.ok and a.order_id]
            wait_until(lambda: queue_depth(dlq)["visible"] >= len(ids), timeout_s, poll_s=0.2)
        finally:
            pool.stop()
    in_dlq, waited = queue_depth(dlq)["visible"], time.monotonic() - start
    moved = redrive(url, dlq)
    # Each message is hidden for 30 s once received: with the queue's 1 s, a slow backend could hand a message
    # to a second worker while the first still runs its steps (at-least-once), and the two runs would race.
    pool = ashop.pool(2, visibility_timeout=30).start()
    try:
        wait_until(lambda: all(ashop.status(i) == "COMPLETED" for i in ids), timeout_s, poll_s=0.2)
    finally:
        pool.stop()
    return DlqRun(ids, in_dlq, waited, moved, {i: ashop.status(i) for i in ids})


# --- after the run -----------------------------------------------------------------------------


@dataclass
class CleanupResult:
    """What :func:`cleanup` found, deleted, could not delete, and what is still there."""

    prefix: str
    info: BackendInfo
    found: list[Found]
    report: TeardownReport
    remaining: list[Found]
    waited_s: float = 0.0
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        """Everything found was deleted and nothing of the prefix remains."""
        return self.report.ok and not self.remaining

    def lines(self) -> list[str]:
        if not self.found:
            return [say("cleanup.nothing", prefix=self.prefix, account=self.info.account, region=self.info.region)]
        out = self.report.lines()
        out.append(say("cleanup.remaining", prefix=self.prefix, n=len(self.remaining)))
        out += [say("cleanup.still_listed", kind=pad(kind_label(f.kind), 20), name=f.name) for f in self.remaining]
        failed = {f.name for f, _ in self.report.failed}
        lagging = [f.name for f in self.remaining if f.name not in failed]
        if lagging:  # deleted without an error, yet still listed: AWS catching up
            out.append(say("cleanup.still_there", n=len(lagging), prefix=self.prefix, waited=self.waited_s,
                           names=", ".join(lagging)))
        return out

    def show(self) -> None:
        print("\n".join(self.lines()))


def inventory(of_prefix: str | None = None) -> list[Found]:
    """Everything of ``of_prefix`` (default: yours) in this account and region, listed right now."""
    return find_resources(of_prefix)


def show_inventory(found: list[Found], of_prefix: str | None = None) -> None:
    """Print a listing by kind (what 99_cleanup shows before and after)."""
    pfx = of_prefix or prefix()
    if not found:
        print(say("cleanup.none_listed", prefix=pfx))
        return
    for kind, n in sorted(Counter(f.kind for f in found).items()):
        print(f"{kind:<22} {n}")
        for f in found:
            if f.kind == kind:
                print(f"    {f.name}")


def wait_until_gone(
    of_prefix: str, timeout_s: float, *, stays: set[str] = frozenset(), poll_s: float = 5.0  # type: ignore[assignment]
) -> tuple[list[Found], float]:
    """List the prefix until nothing is left (but ``stays``: names that failed to delete) or ``timeout_s``
    passed: ``(remaining, seconds waited)``."""
    start = time.monotonic()
    while True:
        left = find_resources(of_prefix)
        waited = time.monotonic() - start
        if {f.name for f in left} <= stays or waited >= timeout_s:
            return left, waited
        time.sleep(min(poll_s, max(0.0, timeout_s - waited)))


def cleanup(of_prefix: str | None = None, *, wait_s: float | None = None) -> CleanupResult:
    """Delete everything of ``of_prefix`` (default: yours), found by listing; safe to run twice.

    ``wait_s``: how long to wait for the listing to become empty (default 90 s on real AWS, where a
    deleted queue stays listed for up to a minute; 0 elsewhere).
    """
    info = current()
    pfx = of_prefix or prefix()
    found = find_resources(pfx)
    report = teardown(pfx) if found else TeardownReport()
    wait = wait_s if wait_s is not None else (90.0 if info.is_real_aws else 0.0)
    remaining, waited = wait_until_gone(pfx, wait, stays={f.name for f, _ in report.failed})
    return CleanupResult(pfx, info, found, report, remaining, waited, Counter(f.kind for f in found))


# --- practice: what a resource that refuses deletion looks like ----------------------------------


def practice_protected_table(short: str = "practice-protected") -> str:
    """Create ``<prefix>-<short>``: a tiny on-demand table with deletion protection on (it refuses
    DeleteTable), so 99_cleanup can show how a failure is reported. Returns its name."""
    ddb = client("dynamodb")
    table = name(short)
    try:
        ddb.describe_table(TableName=table)
    except ddb.exceptions.ResourceNotFoundException:
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            DeletionProtectionEnabled=True,
            Tags=[{"Key": k, "Value": v} for k, v in tags().items()],
        )
        ddb.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return table


def unprotect(table: str) -> None:
    """Turn deletion protection off (what you would do in the console after reading the failure)."""
    client("dynamodb").update_table(TableName=table, DeletionProtectionEnabled=False)
