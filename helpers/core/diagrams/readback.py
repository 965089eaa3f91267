"""Read the resources back from the backend: queues and their RedrivePolicy, subscriptions, mappings, tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..messages import say
from .draw import shorten

_NOT_FOUND = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", "ResourceNotFoundException",
              "NotFoundException", "NotFound"}


def _ask(service: str, operation: str, **params: Any) -> dict[str, Any] | None:
    """One read call through the backend seam; None when the resource does not exist."""
    from helpers import client

    try:
        return getattr(client(service), operation)(**params)
    except Exception as exc:
        if getattr(exc, "response", {}).get("Error", {}).get("Code", "") in _NOT_FOUND:
            return None
        raise


@dataclass(frozen=True)
class QueueFacts:
    """A queue as SQS reports it; ``exists`` is False when SQS does not know it."""
    name: str
    arn: str = ""
    exists: bool = False
    dlq_arn: str = ""
    max_receive_count: int | None = None
    visibility_timeout: int | None = None


def read_queue(queue_url: str) -> QueueFacts:
    """One GetQueueAttributes: ARN, visibility timeout and RedrivePolicy (DLQ ARN and maxReceiveCount)."""
    name = queue_url.rstrip("/").rsplit("/", 1)[-1]
    got = _ask("sqs", "get_queue_attributes", QueueUrl=queue_url,
               AttributeNames=["QueueArn", "RedrivePolicy", "VisibilityTimeout"])
    if got is None:
        return QueueFacts(name)
    attrs = got.get("Attributes", {})
    policy = json.loads(attrs.get("RedrivePolicy") or "{}")
    count = policy.get("maxReceiveCount")
    return QueueFacts(name, attrs.get("QueueArn", ""), True, policy.get("deadLetterTargetArn", ""),
                      int(count) if count is not None else None, int(attrs.get("VisibilityTimeout", 0)))


def queue_url_of(queue_arn: str) -> str:
    """GetQueueUrl for ``queue_arn``; "" when SQS does not know the queue."""
    *_, account, name = queue_arn.split(":")
    return (_ask("sqs", "get_queue_url", QueueName=name, QueueOwnerAWSAccountId=account) or {}).get("QueueUrl", "")


@dataclass(frozen=True)
class SubscriptionFacts:
    """One confirmed subscription: endpoint, raw delivery and filter policy, as SNS reports them."""
    arn: str
    protocol: str
    endpoint: str
    raw: bool
    filter_policy: dict[str, Any] | None
    scope: str = "MessageAttributes"
    name: str = ""  # the endpoint's last ARN part (the queue name)


def read_subscriptions(topic_arn: str) -> list[SubscriptionFacts]:
    """ListSubscriptionsByTopic (every page) and GetSubscriptionAttributes for each; sorted by endpoint."""
    from helpers import client

    sns, out, token = client("sns"), [], None
    while True:
        page = sns.list_subscriptions_by_topic(TopicArn=topic_arn, **({"NextToken": token} if token else {}))
        for sub in page.get("Subscriptions", []):
            if sub["SubscriptionArn"].startswith("arn:"):  # not "PendingConfirmation"
                attrs = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"]).get("Attributes", {})
                out.append(SubscriptionFacts(
                    sub["SubscriptionArn"], sub["Protocol"], sub["Endpoint"],
                    attrs.get("RawMessageDelivery", "false").lower() == "true",
                    json.loads(attrs["FilterPolicy"]) if attrs.get("FilterPolicy") else None,
                    attrs.get("FilterPolicyScope") or "MessageAttributes", sub["Endpoint"].rsplit(":", 1)[-1]))
        token = page.get("NextToken")
        if not token:
            return sorted(out, key=lambda s: s.endpoint)


def read_mappings(queue_arn: str) -> list[dict[str, Any]]:
    """ListEventSourceMappings for ``queue_arn``: ``function``, ``batch_size``, ``state`` of each ([] without Lambda)."""
    try:
        found = _ask("lambda", "list_event_source_mappings", EventSourceArn=queue_arn) or {}
    except Exception:  # no Lambda here (an emulator without it, or no permission): the notebook's workers stand in
        return []
    return [{"function": m["FunctionArn"].rsplit(":", 1)[-1], "batch_size": int(m.get("BatchSize", 10)),
             "state": m.get("State", "")} for m in found.get("EventSourceMappings", [])]


def table_exists(table_name: str) -> bool:
    """DescribeTable: does DynamoDB know ``table_name``?"""
    return _ask("dynamodb", "describe_table", TableName=table_name) is not None


def filter_text(sub: SubscriptionFacts, width: int = 28) -> str:
    """A short arrow label: the filter policy (``key=value``, ``total >= 100``), then raw or SNS envelope."""
    def one(key: str, v: Any) -> str:
        if isinstance(v, dict) and list(v) == ["numeric"]:
            return " ".join(f"{key} {o} {n}" for o, n in zip(v["numeric"][::2], v["numeric"][1::2], strict=False))
        return f"{key}={json.dumps(v, separators=(',', ':')) if isinstance(v, dict) else v}"

    text = " and ".join(" or ".join(one(k, v) for v in (vs if isinstance(vs, list) else [vs]))
                        for k, vs in (sub.filter_policy or {}).items()) or say("diagrams.filter.all")
    scope = " " + say("diagrams.filter.body") if sub.filter_policy and sub.scope == "MessageBody" else ""
    return f"{shorten(text, width)}{scope}\n{'raw' if sub.raw else say('diagrams.filter.envelope')}"
