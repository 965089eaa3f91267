"""One builder per stage of the course: what exists, read back, plus what runs in the notebook."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..messages import WorkshopError, say
from .draw import Diagram, _backend_name
from .readback import (
    QueueFacts,
    _ask,
    filter_text,
    queue_url_of,
    read_mappings,
    read_queue,
    read_subscriptions,
    table_exists,
)


def _queue(d: Diagram, url: str, *, group: str | None = None, redrive: bool = False) -> tuple[str, QueueFacts]:
    """The queue read back and the DLQ its RedrivePolicy names; with ``redrive``, the way back (or a missing DLQ)."""
    q = read_queue(url)
    visibility = say("diagrams.detail.visibility", seconds=q.visibility_timeout) if q.exists else ""
    qid = d.add(f"queue:{q.name}", q.name, "queue", detail=visibility,
                source="backend" if q.exists else "missing", group=group)
    if q.dlq_arn:
        name = q.dlq_arn.rsplit(":", 1)[-1]
        did = f"dlq:{name}"  # one DLQ may serve several queues
        if not d.has(did):
            d.add(did, name, "dlq", source="backend" if queue_url_of(q.dlq_arn) else "missing", group=group)
        d.connect(qid, did, f"maxReceiveCount {q.max_receive_count}", "redrive")
        if redrive:
            d.connect(did, qid, say("diagrams.edge.redrive"), "redrive")
    elif redrive:
        d.connect(qid, d.add("dlq", say("diagrams.label.no_dlq"), "dlq", source="missing", group=group),
                  say("diagrams.edge.no_redrive"), "redrive")
    return qid, q


def _workers(d: Diagram, qid: str, q: QueueFacts, label: str, *, group: str | None = None) -> list[str]:
    """The functions the queue's event source mappings name, else one worker running in the notebook."""
    mappings = read_mappings(q.arn) if q.arn else []
    if not mappings:
        wid = d.add(f"worker:{q.name}" if d.has("worker") else "worker", label, "function", group=group)
        d.connect(qid, wid, "ReceiveMessage", "async")
        return [wid]
    for m in mappings:
        if not d.has(f"function:{m['function']}"):
            d.add(f"function:{m['function']}", m["function"], "function", source="backend", group=group,
                  detail=say("diagrams.detail.batch", size=m["batch_size"], state=m["state"]))
        d.connect(qid, f"function:{m['function']}", say("diagrams.edge.trigger"), "async")
    return [f"function:{m['function']}" for m in mappings]


def _pipeline(d: Diagram, queue_url: str, after: str, *, group: str | None = None, services: Sequence[str] = (),
              first: int = 1, table: str | None = None, table_label: str = "PutItem", redrive: bool = False) -> None:
    """``after`` → the queue (read back, with its DLQ) → its workers → ``services`` (numbered) and ``table``."""
    qid, q = _queue(d, queue_url, group=group, redrive=redrive)
    d.connect(after, qid, "SendMessage", "async")
    for k, w in enumerate(_workers(d, qid, q, say("diagrams.label.worker"), group=group)):
        if k == 0:
            _steps(d, w, services, group=group, first=first)
        if table and not d.has(f"table:{table}"):
            d.add(f"table:{table}", table, "table", source="backend" if table_exists(table) else "missing", group=group)
        if table:
            d.connect(w, f"table:{table}", table_label)


def _front(d: Diagram, *, group: str | None = None, fn_label: str = "", fn_id: str = "accept") -> str:
    """Client → API → the function behind it (all three run in the notebook); returns the function's id.

    ``fn_label`` defaults to the accept function's name in the learner's language.
    """
    d.add("client", say("diagrams.label.customer"), "client", group=group)
    d.add("api", say("diagrams.label.order_api"), "api", group=group)
    d.add(fn_id, fn_label or say("diagrams.label.accept_function"), "function", group=group)
    d.connect("client", "api", "POST /orders")
    d.connect("api", fn_id)
    return fn_id


def _steps(d: Diagram, caller: str, steps: Sequence[str], *, group: str | None = None, first: int = 1) -> None:
    for k, step in enumerate(steps):
        d.connect(caller, d.add(f"step-{step}", step, "service", group=group), str(first + k))


def sync_chain(steps: Sequence[str], *, title: str = "") -> Diagram:
    """01: client → API → order function, which calls each step in turn (numbered) and waits for it."""
    if not steps:
        raise WorkshopError("diagrams.no_steps")
    d = Diagram(title or say("diagrams.title.sync", n=len(steps)))
    _steps(d, _front(d, fn_label=say("diagrams.label.order_function"), fn_id="function"), steps)
    return d


def queue_stage(queue_url: str, table_name: str, *, title: str = "") -> Diagram:
    """03: client → API → accept function → SQS queue (read back) → worker → DynamoDB table (read back)."""
    d = Diagram(title or say("diagrams.title.queue"))
    _pipeline(d, queue_url, _front(d), table=table_name)
    return d


def fanout_stage(topic_arn: str, *, publisher: str = "", title: str = "") -> Diagram:
    """04: publisher → SNS topic → one queue per subscription (read back, with filter and delivery) → workers.

    ``publisher`` names the box that publishes (default: the order function, in the learner's language).
    """
    topic, subs = topic_arn.rsplit(":", 1)[-1], read_subscriptions(topic_arn)
    d = Diagram(title or say("diagrams.title.fanout", n=len(subs)))
    d.add("publisher", publisher or say("diagrams.label.order_function"), "function")
    tid = d.add(f"topic:{topic}", topic, "topic", source="backend")
    d.connect("publisher", tid, "Publish", "async")
    common = os.path.commonprefix([topic, *[s.name for s in subs]])
    common = common[: common.rfind("-") + 1]  # the prefix, e.g. "afs-jo-1a2b-"
    for s in subs:
        url = queue_url_of(s.endpoint) if s.protocol == "sqs" else ""
        if url:
            qid, q = _queue(d, url)
            d.connect(tid, qid, filter_text(s), "async")
            _workers(d, qid, q, say("diagrams.label.service_worker", service=s.name.removeprefix(common)))
            continue
        kind = "queue" if s.protocol == "sqs" else "service"  # a queue SQS does not know, or an HTTP/e-mail endpoint
        d.connect(tid, d.add(f"{kind}:{s.name}", s.name, kind, caption="" if kind == "queue" else s.protocol,
                             source="missing" if kind == "queue" else "backend"), filter_text(s), "async")
    return d


def failure_stage(queue_url: str, table_name: str | None = None, *, services: Sequence[str] = (),
                  title: str = "") -> Diagram:
    """05: producer → queue (read back) → worker → ``services`` and table; the DLQ from the RedrivePolicy."""
    d = Diagram(title or say("diagrams.title.failure"))
    d.add("producer", say("diagrams.label.order_function"), "function")
    _pipeline(d, queue_url, "producer", services=services, table=table_name, redrive=True)
    return d


def together_stage(queue_url: str, *, sync_steps: Sequence[str], async_steps: Sequence[str],
                   table_name: str | None = None, title: str = "") -> Diagram:
    """06: the caller waits for ``sync_steps``; the queue (read back) and a worker run ``async_steps`` later."""
    if not sync_steps and not async_steps:
        raise WorkshopError("diagrams.no_steps")
    waits, later = say("diagrams.group.waits"), say("diagrams.group.later")
    d = Diagram(title or say("diagrams.title.together"))
    _steps(d, _front(d, group=waits, fn_label=say("diagrams.label.order_function"), fn_id="function"), sync_steps,
           group=waits)
    _pipeline(d, queue_url, "function", group=later, services=async_steps, first=len(sync_steps) + 1,
              table=table_name, table_label=say("diagrams.edge.status"))
    return d


def read_rest_api(rest_api_id: str) -> tuple[str, list[str], list[str]] | None:
    """GetRestApi, its stages and the Lambda functions its AWS_PROXY integrations call: ``(name, stages,
    functions)``; None when API Gateway does not know the API."""
    api = _ask("apigateway", "get_rest_api", restApiId=rest_api_id)
    if api is None:
        return None
    stages = [s["stageName"] for s in (_ask("apigateway", "get_stages", restApiId=rest_api_id) or {}).get("item", [])]
    functions = []
    for res in (_ask("apigateway", "get_resources", restApiId=rest_api_id) or {}).get("items", []):
        for method in res.get("resourceMethods") or {}:
            got = _ask("apigateway", "get_integration", restApiId=rest_api_id, resourceId=res["id"], httpMethod=method)
            uri = (got or {}).get("uri", "")
            if (got or {}).get("type") == "AWS_PROXY" and ":function:" in uri:
                functions.append(uri.split(":function:")[1].split("/")[0].split(":")[0])
    return api["name"], stages, sorted(set(functions))


def _deployed_front(d: Diagram, rest_api_id: str) -> str:
    """Client → the REST API (read back) → the functions it calls (read back); returns the first function's id."""
    d.add("client", say("diagrams.label.customer"), "client")
    found = read_rest_api(rest_api_id)
    if found is None:
        d.connect("client", d.add("api", rest_api_id, "api", source="missing"))
        return "api"
    api_name, stages, functions = found
    aid = d.add(f"api:{api_name}", api_name, "api", source="backend",
                detail=say("diagrams.detail.stage", stages=", ".join(stages) or say("diagrams.detail.no_stage")))
    d.connect("client", aid, "HTTPS")
    for fn in functions:
        conf = (_ask("lambda", "get_function", FunctionName=fn) or {}).get("Configuration")
        d.add(f"function:{fn}", fn, "function", source="backend" if conf else "missing",
              detail=conf.get("Runtime", "") if conf else "")
        d.connect(aid, f"function:{fn}", "AWS_PROXY")
    return f"function:{functions[0]}" if functions else aid


def real_aws_stage(queue_url: str, table_name: str | None = None, *, rest_api_id: str | None = None,
                   title: str = "") -> Diagram:
    """07: the API → the queue → the Lambda functions its event source mappings name (read back) → the table.

    With ``rest_api_id`` the REST API and the function behind it are read back from API Gateway
    and Lambda too; without it they run in the notebook. A worker without an event source mapping
    runs in the notebook (a dashed box); draw the fan-out on real AWS with :func:`fanout_stage`.
    """
    d = Diagram(title or say("diagrams.title.real", backend=_backend_name()))
    front = _front(d) if rest_api_id is None else _deployed_front(d, rest_api_id)
    _pipeline(d, queue_url, front, table=table_name)
    return d
