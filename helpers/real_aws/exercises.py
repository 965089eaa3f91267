"""Exercises of 07_real_aws."""

from __future__ import annotations

import re
from typing import Any

from ..core.exercises import Wrong, exercise
from ..core.messages import say
from .cost import load_prices
from .lambda_deploy import TRIGGER_ACTIONS

ORDERS = 1_000_000
BATCH = 10


def _sqs_usd_per_million() -> float:
    return load_prices().items["sqs.requests"].usd_per_unit * 1_000_000


def million_orders_usd() -> float:
    """SQS cost of a million orders: one SendMessage each, ReceiveMessage and DeleteMessageBatch per 10."""
    requests = ORDERS * (1 + 2 / BATCH)
    return requests * _sqs_usd_per_million() / 1_000_000


@exercise("07.million", solution_answer=million_orders_usd)
def _check_million(answer: Any) -> str:
    try:
        usd = float(answer)
    except (TypeError, ValueError):
        raise Wrong("ex.07.million.not_number", got=answer) from None
    right = million_orders_usd()
    price = _sqs_usd_per_million()
    if abs(usd - right) <= 0.01:
        return say("ex.07.million.ok", usd=right, requests=ORDERS * (1 + 2 / BATCH) / 1e6)
    if abs(usd - price) <= 0.01:
        raise Wrong("ex.07.million.only_sends", got=usd)
    if abs(usd - 3 * price) <= 0.01:
        raise Wrong("ex.07.million.no_batches", got=usd)
    if abs(usd - (1 + 2 / BATCH)) <= 0.01 or abs(usd - 1.2e6) <= 1:
        raise Wrong("ex.07.million.requests_not_usd", got=usd)
    raise Wrong("ex.07.million.off", got=usd)


def worker_role_actions() -> set[str]:
    """What the trigger does with the worker's role: receive a batch, delete what succeeded, read the queue."""
    return {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}


@exercise("07.worker_role", solution_answer=worker_role_actions)
def _check_worker_role(answer: Any) -> str:
    if answer is ... or (isinstance(answer, (set, frozenset, list, tuple)) and ... in answer):
        raise Wrong("ex.07.worker_role.placeholder")
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(isinstance(a, str) for a in answer):
        raise Wrong("ex.07.worker_role.not_a_set", got=answer)
    given = {a.strip() for a in answer}
    wild = sorted(a for a in given if "*" in a)
    if wild:
        raise Wrong("ex.07.worker_role.wildcard", actions=", ".join(wild))
    odd = sorted(a for a in given if not re.fullmatch(r"[a-z0-9-]+:[A-Z][A-Za-z]+", a))
    if odd:
        raise Wrong("ex.07.worker_role.not_actions", actions=", ".join(odd))
    if "sqs:SendMessage" in given:
        raise Wrong("ex.07.worker_role.sends")
    for action, key in (("sqs:ReceiveMessage", "no_receive"), ("sqs:DeleteMessage", "no_delete"),
                        ("sqs:GetQueueAttributes", "no_attributes")):
        if action not in given:
            raise Wrong(f"ex.07.worker_role.{key}")
    extra = sorted(given - set(TRIGGER_ACTIONS))
    if extra:
        raise Wrong("ex.07.worker_role.extra", actions=", ".join(extra))
    return say("ex.07.worker_role.ok")
