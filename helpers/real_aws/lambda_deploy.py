"""Deploy the worker handler as a real AWS Lambda function with an SQS trigger (the webinar's architecture).

The in-process workers (:mod:`helpers.core.workers`) run a handler built by
:func:`helpers.core.workers.batch_handler` from a per-record function. This module ships *that same
code* to Lambda and wires it to a queue the way the webinar does:

* a zip of the ``helpers`` package (plus ``data/`` and Powertools, which the Lambda runtime does
  not include), with :func:`lambda_handler` as the entry point; the record function is named in
  the ``WORKSHOP_RECORD_FN`` environment variable (``module:function``);
* an execution role ``<prefix>-worker-role`` that Lambda can assume, with an inline policy like
  the managed ``AWSLambdaSQSQueueExecutionRole`` but scoped to this queue (receive, delete, read
  attributes), plus logging to its own log group and whatever the record function needs
  (tables, topics, queues you pass);
* a log group ``/aws/lambda/<prefix>-worker`` created by us, tagged, kept 1 day, so cleanup finds
  it (the role may not create log groups itself);
* the function ``<prefix>-worker`` (Python 3.11) and an **event source mapping** from the queue
  with ``BatchSize`` 10 and ``FunctionResponseTypes=["ReportBatchItemFailures"]``, so a record
  that fails comes back alone — exactly what the in-process workers emulate.

Everything is idempotent (a second :func:`deploy` updates in place) and named/tagged like every
other resource, so :func:`helpers.core.resources.teardown` (99_cleanup) removes it. moto (in-process or
as a server) accepts all of these calls without running the code; on real AWS the function runs.

Shared accounts: creating a role and passing it to Lambda is powerful. If your instructor set
``WORKSHOP_PERMISSIONS_BOUNDARY`` (the ARN of ``data/iam-lambda-boundary.json`` created as a
managed policy), the role gets that permissions boundary, which the workshop IAM policy requires.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.backend import client, current
from ..core.messages import WorkshopError
from ..core.resources import name, prefix, tags

FUNCTION_SHORT = "worker"
ROLE_SHORT = "worker-role"
RUNTIME = "python3.11"
ENTRY_POINT = "helpers.real_aws.lambda_deploy.lambda_handler"
BATCH_SIZE = 10
LOG_RETENTION_DAYS = 1
RECORD_FN_ENV = "WORKSHOP_RECORD_FN"
RESULTS_TABLE_ENV = "WORKSHOP_RESULTS_TABLE"
BOUNDARY_ENV = "WORKSHOP_PERMISSIONS_BOUNDARY"
DEFAULT_RECORD_FN = "helpers.real_aws.lambda_deploy:record_arrival"
#: Third-party packages the handler needs that the Lambda Python runtime does not have (boto3 it has).
VENDORED = ("aws_lambda_powertools", "typing_extensions")

ROOT = Path(__file__).resolve().parents[2]
TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


@dataclass(frozen=True)
class Deployment:
    """What :func:`deploy` created or updated."""

    function_name: str
    function_arn: str
    role_arn: str
    mapping_uuid: str
    mapping_state: str
    queue_arn: str
    log_group: str
    timeout_s: int
    memory_mb: int

    def describe(self) -> str:
        """A few lines for the notebook."""
        return (
            f"function   {self.function_name} ({RUNTIME}, {self.memory_mb} MB, timeout {self.timeout_s} s)\n"
            f"role       {self.role_arn}\n"
            f"trigger    {self.queue_arn} → batch size {BATCH_SIZE}, ReportBatchItemFailures, "
            f"mapping {self.mapping_uuid} ({self.mapping_state})\n"
            f"logs       {self.log_group} (kept {LOG_RETENTION_DAYS} day)"
        )


# --- the package --------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def package(vendored: tuple[str, ...] = VENDORED) -> bytes:
    """The deployment zip: ``helpers/``, ``data/`` and the vendored packages (no caches, no tests)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((ROOT / "helpers").rglob("*.py")):  # every subpackage: handlers import across them
            zf.write(path, path.relative_to(ROOT).as_posix())
        for path in sorted((ROOT / "data").glob("*.json")):
            zf.write(path, f"data/{path.name}")
        for mod_name in vendored:
            mod = importlib.import_module(mod_name)
            origin = Path(mod.__file__ or "")
            if origin.name == "__init__.py":
                base = origin.parent
                for path in sorted(base.rglob("*")):
                    if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                        zf.write(path, f"{mod_name}/{path.relative_to(base).as_posix()}")
            else:
                zf.write(origin, origin.name)
    return buf.getvalue()


# --- the pieces ---------------------------------------------------------------------------------


def _queue_settings(url: str) -> tuple[str, int]:
    attrs = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "VisibilityTimeout"])[
        "Attributes"
    ]
    return attrs["QueueArn"], int(attrs["VisibilityTimeout"])


def ensure_log_group(function_name: str) -> str:
    """Create (or keep) ``/aws/lambda/<function>``, tagged, kept :data:`LOG_RETENTION_DAYS`; returns its name."""
    logs = client("logs")
    group = f"/aws/lambda/{function_name}"
    try:
        logs.create_log_group(logGroupName=group, tags=tags())
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    logs.put_retention_policy(logGroupName=group, retentionInDays=LOG_RETENTION_DAYS)
    return group


def worker_policy(
    queue_arn_: str,
    log_group_arn: str,
    *,
    tables: Iterable[str] = (),
    topics: Iterable[str] = (),
    send_to: Iterable[str] = (),
) -> dict[str, Any]:
    """The role's inline policy: what the Lambda service and the record function may do, and no more."""
    st: list[dict[str, Any]] = [
        {
            "Sid": "ConsumeTheQueue",  # what AWSLambdaSQSQueueExecutionRole grants, for one queue
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": queue_arn_,
        },
        {
            "Sid": "WriteItsOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:*",
        },
    ]
    if tables:
        st.append({
            "Sid": "UseTheShopTables",
            "Effect": "Allow",
            "Action": ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                       "dynamodb:DeleteItem", "dynamodb:Query"],
            "Resource": sorted(tables),
        })
    if topics:
        st.append({"Sid": "PublishEvents", "Effect": "Allow", "Action": ["sns:Publish"], "Resource": sorted(topics)})
    if send_to:
        st.append({"Sid": "SendToQueues", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": sorted(send_to)})
    return {"Version": "2012-10-17", "Statement": st}


def ensure_role(policy: dict[str, Any]) -> str:
    """Create (or update) the role ``<prefix>-worker-role`` with ``policy`` inline; returns its ARN."""
    iam = client("iam")
    role = name(ROLE_SHORT)
    try:
        arn = iam.get_role(RoleName=role)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        kwargs: dict[str, Any] = {
            "RoleName": role,
            "AssumeRolePolicyDocument": json.dumps(TRUST_POLICY),
            "Description": "Async First Steps worker Lambda (created by helpers.real_aws.lambda_deploy)",
            "Tags": [{"Key": k, "Value": v} for k, v in tags().items()],
        }
        boundary = os.environ.get(BOUNDARY_ENV)
        if boundary:
            kwargs["PermissionsBoundary"] = boundary
        arn = iam.create_role(**kwargs)["Role"]["Arn"]
    iam.put_role_policy(RoleName=role, PolicyName="worker", PolicyDocument=json.dumps(policy))
    return arn


def _retry_role_propagation(call: Any, *, timeout_s: float, **kwargs: Any) -> Any:
    """Call ``call(**kwargs)``, retrying while IAM has not yet told Lambda about a brand-new role."""
    lam = client("lambda")
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return call(**kwargs)
        except lam.exceptions.InvalidParameterValueException as exc:
            # "The role defined for the function cannot be assumed by Lambda" / "The provided execution
            # role does not have permissions to call ReceiveMessage on SQS": IAM is eventually
            # consistent, so a new role or policy takes a few seconds to be usable.
            if "role" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(2)


def ensure_function(
    zip_bytes: bytes,
    role_arn: str,
    *,
    environment: dict[str, str],
    timeout_s: int,
    memory_mb: int,
    role_wait_s: float = 60,
) -> str:
    """Create (or update code and configuration of) ``<prefix>-worker``; wait until it is usable; return its ARN."""
    lam = client("lambda")
    fn = name(FUNCTION_SHORT)
    config = {
        "Role": role_arn,
        "Handler": ENTRY_POINT,
        "Runtime": RUNTIME,
        "Timeout": timeout_s,
        "MemorySize": memory_mb,
        "Environment": {"Variables": environment},
        "Description": "Async First Steps worker: the same handler the notebooks run in-process",
    }
    waiter_config = {"Delay": 2, "MaxAttempts": 90}
    try:
        lam.get_function(FunctionName=fn)
    except lam.exceptions.ResourceNotFoundException:
        arn = _retry_role_propagation(
            lam.create_function, timeout_s=role_wait_s, FunctionName=fn, Code={"ZipFile": zip_bytes},
            Tags=tags(), **config,
        )["FunctionArn"]
        lam.get_waiter("function_active_v2").wait(FunctionName=fn, WaiterConfig=waiter_config)
        return arn
    lam.update_function_code(FunctionName=fn, ZipFile=zip_bytes)
    lam.get_waiter("function_updated_v2").wait(FunctionName=fn, WaiterConfig=waiter_config)
    arn = _retry_role_propagation(lam.update_function_configuration, timeout_s=role_wait_s, FunctionName=fn,
                                  **config)["FunctionArn"]
    lam.get_waiter("function_updated_v2").wait(FunctionName=fn, WaiterConfig=waiter_config)
    return arn


def ensure_mapping(function_arn: str, queue_arn_: str, *, batch_size: int = BATCH_SIZE,
                   wait_s: float = 120) -> tuple[str, str]:
    """Create (or update) the SQS → Lambda event source mapping; wait until Enabled; ``(uuid, state)``."""
    lam = client("lambda")
    settings = {"BatchSize": batch_size, "FunctionResponseTypes": ["ReportBatchItemFailures"], "Enabled": True}
    existing = lam.list_event_source_mappings(EventSourceArn=queue_arn_, FunctionName=function_arn).get(
        "EventSourceMappings", []
    )
    if existing:
        uuid = existing[0]["UUID"]
        _wait_mapping(uuid, wait_s, steady=True)  # an update is refused while it is still changing
        _retry_role_propagation(lam.update_event_source_mapping, timeout_s=wait_s, UUID=uuid,
                                FunctionName=function_arn, **settings)
    else:
        uuid = _retry_role_propagation(lam.create_event_source_mapping, timeout_s=wait_s, EventSourceArn=queue_arn_,
                                       FunctionName=function_arn, **settings)["UUID"]
    return uuid, _wait_mapping(uuid, wait_s)


def _wait_mapping(uuid: str, wait_s: float, *, steady: bool = False) -> str:
    lam = client("lambda")
    deadline = time.monotonic() + wait_s
    while True:
        state = lam.get_event_source_mapping(UUID=uuid)["State"]
        if state == "Enabled" or (steady and state == "Disabled"):
            return state
        if state not in ("Creating", "Enabling", "Updating") or time.monotonic() > deadline:
            raise WorkshopError("lambda.mapping_state", uuid=uuid, state=state)
        time.sleep(1)


def deploy(
    queue_url: str,
    *,
    record_fn: str = DEFAULT_RECORD_FN,
    tables: Iterable[str] = (),
    topics: Iterable[str] = (),
    send_to: Iterable[str] = (),
    environment: dict[str, str] | None = None,
    memory_mb: int = 256,
    timeout_s: int | None = None,
    results_table: str | None = None,
) -> Deployment:
    """Deploy the worker handler as ``<prefix>-worker`` consuming ``queue_url`` (idempotent).

    ``record_fn`` (``module:function``) is what :func:`lambda_handler` wraps with
    :func:`~helpers.core.workers.batch_handler` — the same wrapping the in-process workers use.
    ``tables``/``topics``/``send_to`` are ARNs the record function may use. The function's timeout
    defaults to the queue's visibility timeout capped at 30 s (Lambda refuses a trigger whose queue
    hides messages for less time than the function may run).
    """
    info = current()
    module_name, _, fn_name = record_fn.partition(":")
    if not module_name or not fn_name:
        raise WorkshopError("lambda.bad_record_fn", value=record_fn)
    q_arn, visibility = _queue_settings(queue_url)
    timeout = int(timeout_s if timeout_s is not None else min(30, visibility))
    if not 1 <= timeout <= visibility:
        raise WorkshopError("lambda.timeout_vs_visibility", timeout=timeout, visibility=visibility)
    function_name = name(FUNCTION_SHORT)
    group = ensure_log_group(function_name)
    group_arn = f"arn:aws:logs:{info.region}:{info.account}:log-group:{group}"
    table_arns = list(tables)
    if results_table:
        table_arns.append(f"arn:aws:dynamodb:{info.region}:{info.account}:table/{results_table}")
    role_arn = ensure_role(worker_policy(q_arn, group_arn, tables=table_arns, topics=topics, send_to=send_to))
    env = {"WORKSHOP_BACKEND": "aws", "WORKSHOP_PREFIX": prefix(), RECORD_FN_ENV: record_fn, **(environment or {})}
    if results_table:
        env[RESULTS_TABLE_ENV] = results_table
    fn_arn = ensure_function(package(), role_arn, environment=env, timeout_s=timeout, memory_mb=memory_mb)
    uuid, state = ensure_mapping(fn_arn, q_arn)
    return Deployment(function_name, fn_arn, role_arn, uuid, state, q_arn, group, timeout, memory_mb)


# --- inside Lambda ------------------------------------------------------------------------------

_handler: Any = None


def lambda_handler(event: dict[str, Any], context: Any) -> Any:
    """The deployed entry point: the record function named by ``WORKSHOP_RECORD_FN``, wrapped by
    :func:`~helpers.core.workers.batch_handler` (partial batch responses), on the ``aws`` backend."""
    global _handler
    if _handler is None:
        from ..core.backend import is_ready, use_backend
        from ..core.workers import batch_handler

        if not is_ready():
            use_backend(quiet=True)  # WORKSHOP_BACKEND=aws in the function's environment
        module_name, _, fn_name = os.environ.get(RECORD_FN_ENV, DEFAULT_RECORD_FN).partition(":")
        _handler = batch_handler(getattr(importlib.import_module(module_name), fn_name))
    return _handler(event, context)


def record_arrival(record: Any) -> None:
    """Default record function: note when a message was sent and when it was processed.

    Writes ``{pk: message id, sent_ms, done_ms, receive_count}`` to ``$WORKSHOP_RESULTS_TABLE``
    (if set), which is how the notebook measures end-to-end time through a real Lambda. A body
    with ``"fail": true`` raises, to show that only that record comes back (ReportBatchItemFailures).
    """
    try:
        body = record.json_body
    except ValueError:
        body = {}
    if isinstance(body, dict) and body.get("fail"):
        raise ValueError(f"message {record.message_id} asked to fail")
    table = os.environ.get(RESULTS_TABLE_ENV)
    if not table:
        return
    item = {
        "pk": {"S": str(body.get("order_id") or record.message_id) if isinstance(body, dict) else record.message_id},
        "sent_ms": {"N": str(int(record.attributes.sent_timestamp))},
        "done_ms": {"N": str(int(time.time() * 1000))},
        "receive_count": {"N": str(int(record.attributes.approximate_receive_count))},
    }
    client("dynamodb").put_item(TableName=table, Item=item)


_async_shop: Any = None


def shop_record(record: Any) -> str:
    """Record function for the shop's worker on Lambda: :meth:`helpers.queues.async_shop.AsyncShop.process_record`,
    the very function the in-process workers run, on the shop's existing tables."""
    global _async_shop
    if _async_shop is None:
        from ..queues.async_shop import AsyncShop
        from ..shop import Shop

        _async_shop = AsyncShop(Shop.create(reset_stock=False), queue_url="")
    return _async_shop.process_record(record)
