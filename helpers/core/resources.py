"""Named, tagged, reusable AWS resources, and a teardown that finds them again.

Every resource is called ``<prefix>-<short name>`` and tagged ``project``, ``prefix`` and
``created-at``, so many attendees can share one real account, a second "Run All" reuses what
the first created, and :func:`teardown` (99_cleanup, ``make clean-aws``) can find everything
from a fresh kernel, by name *and* tag, without touching another attendee's prefix.

The prefix is per attendee (:func:`prefix`, kept with the backend it belongs to and re-exported
here): ``afs-<user>-<4 random hex>``, remembered in ``~/.async-first-steps/prefix`` so it survives
kernel restarts; ``WORKSHOP_PREFIX`` overrides it.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

from .backend import check_prefix, client, prefix
from .backend import (
    set_prefix as set_prefix,  # re-exported: resources.set_prefix(...) is how tests and bench spell it
)
from .display import pad
from .messages import catalog, say

PROJECT_TAG = "async-first-steps"
def name(short: str) -> str:
    """The full resource name for ``short``: ``<prefix>-<short>``."""
    return f"{prefix()}-{short}"


def tags() -> dict[str, str]:
    """The tags every resource gets."""
    return {
        "project": PROJECT_TAG,
        "prefix": prefix(),
        "created-at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


# --- SQS ----------------------------------------------------------------------------------


def ensure_queue(
    short: str,
    *,
    fifo: bool = False,
    visibility_timeout: int = 30,
    dlq_arn: str | None = None,
    max_receive_count: int = 3,
    content_based_dedup: bool = False,
    attributes: dict[str, str] | None = None,
) -> str:
    """Create (or reuse and update) the queue ``<prefix>-<short>`` and return its URL.

    ``dlq_arn`` attaches a dead-letter queue with ``max_receive_count``. Re-running with other
    settings updates the existing queue instead of failing.
    """
    sqs = client("sqs")
    queue_name = name(short) + (".fifo" if fifo and not short.endswith(".fifo") else "")
    attrs: dict[str, str] = {"VisibilityTimeout": str(visibility_timeout)}
    if fifo:
        attrs["ContentBasedDeduplication"] = str(content_based_dedup).lower()
    if dlq_arn:
        attrs["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)}
        )
    attrs.update(attributes or {})
    try:
        url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        create_attrs = {**attrs, **({"FifoQueue": "true"} if fifo else {})}
        return sqs.create_queue(QueueName=queue_name, Attributes=create_attrs, tags=tags())["QueueUrl"]
    if not dlq_arn:
        attrs["RedrivePolicy"] = ""  # a re-run without a DLQ removes an old one
    sqs.set_queue_attributes(QueueUrl=url, Attributes=attrs)
    return url


def queue_arn(url: str) -> str:
    """The ARN of the queue at ``url``."""
    return client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]


def queue_depth(url: str) -> dict[str, int]:
    """Messages ``visible`` (waiting), ``in_flight`` (being processed) and ``delayed``, right now.

    moto has no CloudWatch SQS metrics, so depth over time is sampled from these attributes.
    """
    attrs = client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    return {
        "visible": int(attrs.get("ApproximateNumberOfMessages", 0)),
        "in_flight": int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0)),
        "delayed": int(attrs.get("ApproximateNumberOfMessagesDelayed", 0)),
    }


def purge(url: str) -> int:
    """Delete every visible message (receive → delete in batches of 10); returns how many.

    Used to start a demo from an empty queue on every backend (PurgeQueue is limited to once
    a minute on real AWS). In-flight messages come back after their visibility timeout.
    """
    sqs = client("sqs")
    deleted = 0
    while True:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not msgs:
            return deleted
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)],
        )
        deleted += len(msgs)


# --- SNS ----------------------------------------------------------------------------------


def ensure_topic(short: str, *, fifo: bool = False) -> str:
    """Create (or reuse) the topic ``<prefix>-<short>`` and return its ARN."""
    topic_name = name(short) + (".fifo" if fifo and not short.endswith(".fifo") else "")
    attrs = {"FifoTopic": "true"} if fifo else {}
    return client("sns").create_topic(
        Name=topic_name, Attributes=attrs, Tags=[{"Key": k, "Value": v} for k, v in tags().items()]
    )["TopicArn"]


# --- DynamoDB -----------------------------------------------------------------------------


def ensure_table(short: str, *, key: str = "pk", sort_key: str | None = None) -> str:
    """Create (or reuse) the on-demand table ``<prefix>-<short>`` and return its name."""
    ddb = client("dynamodb")
    table_name = name(short)
    try:
        ddb.describe_table(TableName=table_name)
        return table_name
    except ddb.exceptions.ResourceNotFoundException:
        pass
    schema = [{"AttributeName": key, "KeyType": "HASH"}]
    attrs = [{"AttributeName": key, "AttributeType": "S"}]
    if sort_key:
        schema.append({"AttributeName": sort_key, "KeyType": "RANGE"})
        attrs.append({"AttributeName": sort_key, "AttributeType": "S"})
    ddb.create_table(
        TableName=table_name,
        KeySchema=schema,
        AttributeDefinitions=attrs,
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": k, "Value": v} for k, v in tags().items()],
    )
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return table_name


# --- finding and deleting everything of a prefix -------------------------------------------


@dataclass
class Found:
    """One resource of the prefix, as found by listing the account (not from memory)."""

    kind: str
    name: str
    ident: str  # what the delete call needs: URL, ARN, table name, UUID


@dataclass
class TeardownReport:
    """What :func:`teardown` deleted and what it could not (never silently skipped)."""

    deleted: list[Found] = field(default_factory=list)
    failed: list[tuple[Found, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        out = [say("teardown_deleted", kind=pad(kind_label(f.kind), 20), name=f.name) for f in self.deleted]
        out += [say("teardown_failed", kind=kind_label(f.kind), name=f.name, error=err) for f, err in self.failed]
        return out


def kind_label(kind: str) -> str:
    """The name of a resource kind (``"sqs queue"``, as :class:`Found` has it) in the learner's language."""
    key = "resource." + kind.replace(" ", "_")
    return say(key) if key in catalog()["en"] else kind


def find_resources(of_prefix: str | None = None) -> list[Found]:
    """Everything of ``of_prefix`` (default: ours) in this account and region, found by name and tag."""
    pfx = check_prefix(of_prefix) if of_prefix else prefix()
    start = pfx + "-"
    found: list[Found] = []

    sqs = client("sqs")
    for url in _paginate(sqs, "list_queues", "QueueUrls", QueueNamePrefix=start):
        try:
            tag = sqs.list_queue_tags(QueueUrl=url).get("Tags", {}).get("prefix")
        except sqs.exceptions.QueueDoesNotExist:  # deleted moments ago: AWS lists it for up to 60 s
            continue
        if tag in (None, pfx):
            found.append(Found("sqs queue", url.rsplit("/", 1)[-1], url))

    sns = client("sns")
    for topic in _paginate(sns, "list_topics", "Topics"):
        arn = topic["TopicArn"]
        if arn.rsplit(":", 1)[-1].startswith(start) and _tag(
            sns.list_tags_for_resource(ResourceArn=arn).get("Tags", []), pfx
        ):
            for sub in _paginate(sns, "list_subscriptions_by_topic", "Subscriptions", TopicArn=arn):
                if sub["SubscriptionArn"].startswith("arn:"):
                    found.append(Found("sns subscription", sub["SubscriptionArn"], sub["SubscriptionArn"]))
            found.append(Found("sns topic", arn.rsplit(":", 1)[-1], arn))

    ddb = client("dynamodb")
    for table in _paginate(ddb, "list_tables", "TableNames"):
        if table.startswith(start):
            arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
            if _tag(ddb.list_tags_of_resource(ResourceArn=arn).get("Tags", []), pfx):
                found.append(Found("dynamodb table", table, table))

    lam = client("lambda")
    for fn in _paginate(lam, "list_functions", "Functions"):
        if fn["FunctionName"].startswith(start):
            for esm in _paginate(lam, "list_event_source_mappings", "EventSourceMappings", FunctionName=fn["FunctionArn"]):
                found.append(Found("lambda event source", esm["UUID"], esm["UUID"]))
            found.append(Found("lambda function", fn["FunctionName"], fn["FunctionName"]))

    apigateway = client("apigateway")  # REST APIs are found by name and tag (their ids are random)
    for api in _paginate(apigateway, "get_rest_apis", "items"):
        if api["name"].startswith(start) and api.get("tags", {}).get("prefix") in (None, pfx):
            found.append(Found("api gateway rest api", api["name"], api["id"]))

    iam = client("iam")
    for role in _paginate(iam, "list_roles", "Roles"):
        if role["RoleName"].startswith(start):
            found.append(Found("iam role", role["RoleName"], role["RoleName"]))

    # Log groups of the prefix's Lambda functions (created by helpers.real_aws.lambda_deploy).
    logs = client("logs")
    for group in _paginate(logs, "describe_log_groups", "logGroups", logGroupNamePrefix=f"/aws/lambda/{start}"):
        arn = group["arn"].removesuffix(":*")
        if logs.list_tags_for_resource(resourceArn=arn).get("tags", {}).get("prefix") in (None, pfx):
            found.append(Found("log group", group["logGroupName"], group["logGroupName"]))
    return found


def teardown(of_prefix: str | None = None) -> TeardownReport:
    """Delete everything :func:`find_resources` finds; safe to run twice (the second is a no-op)."""
    report = TeardownReport()
    for res in find_resources(of_prefix):
        try:
            _delete(res)
            report.deleted.append(res)
        except Exception as exc:  # reported per resource, never silently skipped
            if _already_gone(exc):  # deleted meanwhile (another cleanup, or AWS catching up): done
                report.deleted.append(res)
            else:
                report.failed.append((res, f"{type(exc).__name__}: {exc}"))
    return report


_GONE_CODES = {
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
    "NotFound",
    "NotFoundException",
    "ResourceNotFoundException",
    "NoSuchEntity",
}


def _already_gone(exc: Exception) -> bool:
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
    return code in _GONE_CODES


def _delete(res: Found) -> None:
    if res.kind == "sqs queue":
        client("sqs").delete_queue(QueueUrl=res.ident)
    elif res.kind == "sns subscription":
        client("sns").unsubscribe(SubscriptionArn=res.ident)
    elif res.kind == "sns topic":
        client("sns").delete_topic(TopicArn=res.ident)
    elif res.kind == "dynamodb table":
        ddb = client("dynamodb")
        if ddb.describe_table(TableName=res.ident)["Table"]["TableStatus"] != "DELETING":  # twice is a no-op
            ddb.delete_table(TableName=res.ident)
    elif res.kind == "lambda event source":
        client("lambda").delete_event_source_mapping(UUID=res.ident)
    elif res.kind == "lambda function":
        client("lambda").delete_function(FunctionName=res.ident)
    elif res.kind == "api gateway rest api":
        client("apigateway").delete_rest_api(restApiId=res.ident)
    elif res.kind == "iam role":
        iam = client("iam")
        for pol in iam.list_attached_role_policies(RoleName=res.ident)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=res.ident, PolicyArn=pol["PolicyArn"])
        for pol in iam.list_role_policies(RoleName=res.ident)["PolicyNames"]:
            iam.delete_role_policy(RoleName=res.ident, PolicyName=pol)
        iam.delete_role(RoleName=res.ident)
    elif res.kind == "log group":
        client("logs").delete_log_group(logGroupName=res.ident)
    else:  # pragma: no cover - a new kind must be taught to delete itself
        raise ValueError(f"unknown resource kind {res.kind}")


def _tag(tag_list: list[dict[str, str]], pfx: str) -> bool:
    values = {t["Key"]: t["Value"] for t in tag_list}
    return values.get("prefix", pfx) == pfx


def _paginate(svc: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    if svc.can_paginate(operation):
        return [item for page in svc.get_paginator(operation).paginate(**kwargs) for item in page.get(key, [])]
    return list(getattr(svc, operation)(**kwargs).get(key, []))
