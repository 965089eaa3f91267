"""Exercises of 07_real_aws."""

from __future__ import annotations

from typing import Any

from ..core.exercises import Wrong, exercise
from ..core.messages import say
from .cost import load_prices

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
