"""What 07 reads back and measures once the handlers are deployed (the deploy itself is in 07's cells).

* :func:`wait_enabled` — an event source mapping takes a few seconds on real AWS to go from
  ``Creating`` to ``Enabled``; wait for it with one clear sentence if it never gets there.
* :func:`read_wiring` — the deployed stack as AWS reports it: the functions' runtime, handler and
  timeout, the trigger (batch size, ``ReportBatchItemFailures``, state), the queue's visibility
  timeout, API Gateway's integration and the permission that lets API Gateway call the function.
  07's claim checks these facts, so the claim fails if the wiring is wrong.
* :func:`api_run` — on real AWS: the webinar's comparison through API Gateway (``POST /sync/orders``
  against ``POST /async/orders``), then the worker function completes the accepted orders. Other
  backends store the functions but do not run their code, so nothing is sent there.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.backend import client, current
from ..core.display import columns, pad
from ..core.messages import WorkshopError, say
from ..shop import percentile


def stage_title(backend: str) -> str:
    """The title of 07's diagram."""
    return say("real.stage_title", backend="AWS" if backend == "aws" else backend)


def wait_enabled(uuid: str, timeout_s: float = 120) -> str:
    """Wait until the event source mapping ``uuid`` is ``Enabled``; return its state."""
    lam = client("lambda")
    deadline = time.monotonic() + timeout_s
    while True:
        state = lam.get_event_source_mapping(UUID=uuid)["State"]
        if state == "Enabled":
            return state
        if state not in ("Creating", "Enabling", "Updating") or time.monotonic() > deadline:
            raise WorkshopError("lambda.mapping_state", uuid=uuid, state=state)
        time.sleep(1)


@dataclass(frozen=True)
class FunctionFacts:
    """One function as Lambda reports it."""

    name: str
    runtime: str
    handler: str
    timeout_s: int
    memory_mb: int
    state: str


@dataclass
class Wiring:
    """The deployed stack, read back: what 07's claim and diagram rely on."""

    api: FunctionFacts
    worker: FunctionFacts
    visibility_s: int
    trigger: dict[str, Any]  # BatchSize, FunctionResponseTypes, State, FunctionArn
    integration: dict[str, Any]  # type, uri
    api_may_call: bool  # the API function's resource policy lets this REST API invoke it
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing in :attr:`problems`."""
        return not self.problems

    def lines(self) -> list[str]:
        """What the notebook prints: one line per fact."""
        t, a, w = self.trigger, self.api, self.worker
        target = self.integration.get("uri", "").split(":function:")[-1].split("/")[0]
        roles = [say("real.role_api"), say("real.role_worker")]
        width = max([7, *(columns(r) + 1 for r in roles)])  # wide (Japanese) names stay aligned
        return [
            say("real.wiring_function", role=pad(roles[0], width), name=a.name, runtime=a.runtime, handler=a.handler,
                timeout=a.timeout_s, state=a.state),
            say("real.wiring_function", role=pad(roles[1], width), name=w.name, runtime=w.runtime, handler=w.handler,
                timeout=w.timeout_s, state=w.state),
            say("real.wiring_trigger", batch=t.get("BatchSize"), state=t.get("State"),
                types=", ".join(t.get("FunctionResponseTypes", [])) or "-"),
            say("real.wiring_queue", visibility=self.visibility_s, times=self.visibility_s / max(w.timeout_s, 1)),
            say("real.wiring_gateway", type=self.integration.get("type"), target=target, allowed=self.api_may_call),
            *[say("real.wiring_problem", problem=p) for p in self.problems],
        ]

    def show(self) -> None:
        """Print :meth:`lines`."""
        print("\n".join(self.lines()))


def _function(name: str) -> FunctionFacts:
    conf = client("lambda").get_function(FunctionName=name)["Configuration"]
    return FunctionFacts(conf["FunctionName"], conf.get("Runtime", ""), conf.get("Handler", ""),
                         int(conf.get("Timeout", 3)), int(conf.get("MemorySize", 128)), conf.get("State", ""))


def read_wiring(api_function: str, worker_function: str, queue_url: str, rest_api_id: str, mapping_uuid: str,
                *, handlers: Sequence[str] = ()) -> Wiring:
    """Read the deployed stack back from AWS and list every fact that is not as the lesson teaches."""
    from ..core.limits import LAMBDA_VISIBILITY_FACTOR

    lam, apigw = client("lambda"), client("apigateway")
    api, worker = _function(api_function), _function(worker_function)
    visibility = int(client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["VisibilityTimeout"])[
        "Attributes"]["VisibilityTimeout"])
    trigger = lam.get_event_source_mapping(UUID=mapping_uuid)
    proxy = next(r for r in apigw.get_resources(restApiId=rest_api_id)["items"] if r.get("pathPart") == "{proxy+}")
    integration = apigw.get_integration(restApiId=rest_api_id, resourceId=proxy["id"], httpMethod="ANY")
    statements = json.loads(lam.get_policy(FunctionName=api_function)["Policy"])["Statement"]
    may_call = any(s.get("Principal", {}).get("Service") == "apigateway.amazonaws.com"
                   and f":{rest_api_id}/" in json.dumps(s.get("Condition", {})) for s in statements)
    problems = []
    if handlers and [api.handler, worker.handler] != list(handlers):
        problems.append(say("real.problem_handlers", got=f"{api.handler}, {worker.handler}", want=", ".join(handlers)))
    if visibility < LAMBDA_VISIBILITY_FACTOR * worker.timeout_s:
        problems.append(say("real.problem_visibility", visibility=visibility, factor=LAMBDA_VISIBILITY_FACTOR,
                            timeout=worker.timeout_s))
    if trigger.get("FunctionResponseTypes") != ["ReportBatchItemFailures"]:
        problems.append(say("real.problem_partial"))
    if not trigger["FunctionArn"].endswith(f":function:{worker_function}"):
        problems.append(say("real.problem_target", arn=trigger["FunctionArn"]))
    if integration.get("type") != "AWS_PROXY" or f":function:{api_function}/" not in integration.get("uri", ""):
        problems.append(say("real.problem_integration"))
    if not may_call:
        problems.append(say("real.problem_permission"))
    return Wiring(api, worker, visibility, trigger, integration, may_call, problems)


@dataclass
class ApiRun:
    """Orders through the deployed API: ``state`` is "timed", or "not run" where code does not run."""

    state: str
    n: int
    sync_ms: list[float] = field(default_factory=list)
    accept_ms: list[float] = field(default_factory=list)
    accepted: int = 0
    completed: int = 0
    end_to_end_ms: list[float] = field(default_factory=list)

    @property
    def requests(self) -> int:
        """Requests sent to API Gateway (billed per request)."""
        return len(self.sync_ms) + len(self.accept_ms)

    def show(self) -> None:
        """One sentence: the times, or why nothing was sent."""
        if self.state != "timed":
            print(say("real.no_lambda_code", n=self.n))
            return
        print(say("real.api_timed", n=self.n, sync=percentile(self.sync_ms, 50), accept=percentile(self.accept_ms, 50),
                  completed=self.completed, accepted=self.accepted, e2e=percentile(self.end_to_end_ms or [0.0], 50)))


def api_run(url: str, shop: Any, n: int = 10, *, timeout_s: float = 120) -> ApiRun:
    """POST ``n`` sample orders to ``/sync/orders`` and ``n`` to ``/async/orders`` of the deployed API;
    wait until the worker function has finished the accepted ones (read from the orders table)."""
    from ..core.sampling import wait_until
    from ..together.api_client import measure

    if not current().is_real_aws:  # capability: only real AWS runs the functions' code
        return ApiRun("not run", n)
    sync = measure(url, "/sync/orders", shop.sample_orders(n))
    wall0, perf0 = time.time(), time.perf_counter()
    accept = measure(url, "/async/orders", shop.sample_orders(n, start=n))
    sent_at = {r.order_id: wall0 + (r.start - perf0) for r in accept.responses if r.order_id}
    ids = list(sent_at)
    done: dict[str, float] = {}

    def finished() -> bool:
        for oid in set(ids) - done.keys():
            order = shop.store.get_order(oid) or {}
            if order.get("status") in ("COMPLETED", "FAILED"):
                done[oid] = float(order["updated_at"])
        return len(done) == len(ids)

    wait_until(finished, timeout_s, poll_s=1.0)
    completed = sum(1 for o in done if (shop.store.get_order(o) or {}).get("status") == "COMPLETED")
    e2e = [max(0.0, (t - sent_at[o]) * 1000) for o, t in done.items()]
    return ApiRun("timed", n, sync.ms, accept.ms, len(ids), completed, e2e)
