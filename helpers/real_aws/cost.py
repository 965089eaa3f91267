"""What a run cost: the API calls this kernel made, priced with a dated table.

The counter is :data:`helpers.core.backend.API_CALLS`: every call made through the one seam,
counted once *as the caller sees it* (an emulated long poll is one ``ReceiveMessage``, a
``SendMessageBatch`` of ten is one request), which is exactly what AWS bills for SQS and SNS.
We deliberately do not add a second counter on botocore's events: it would count the same
calls twice as often as it diverges, and the seam's counter already exists in every kernel.

Prices live in ``data/prices.json`` (ap-northeast-1, dated, with the pricing page of each line):
approximate list prices, free tiers not subtracted. Calls of services that are free (STS, IAM,
Lambda and DynamoDB control plane) are shown as free; anything the table does not know is listed
as *unpriced*, never silently dropped. Lambda invocations and duration are not API calls we
make, so they come in as ``usage`` (see :func:`lambda_usage`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.display import pad
from ..core.messages import WorkshopError, say

PRICES_FILE = Path(__file__).resolve().parents[2] / "data" / "prices.json"


@dataclass(frozen=True)
class Price:
    """One line of the price table: ``usd`` for every ``per`` units of ``unit``."""

    key: str
    usd: float
    per: float
    unit: str
    source: str
    note: str = ""

    @property
    def usd_per_unit(self) -> float:
        return self.usd / self.per


@dataclass(frozen=True)
class PriceTable:
    """The dated price table (``data/prices.json``)."""

    region: str
    currency: str
    as_of: str
    note: str
    items: dict[str, Price]
    free_services: dict[str, str]
    dynamodb_units: dict[str, tuple[str, float]]

    def describe(self) -> str:
        """One sentence: what the table prices, for which region, and the date it was checked."""
        return say("cost.prices_date", as_of=self.as_of, region=self.region)


def load_prices(path: str | Path | None = None) -> PriceTable:
    """Read the price table; a clear sentence if the file is missing or malformed."""
    file = Path(path) if path else PRICES_FILE
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
        items = {
            key: Price(key, float(v["usd"]), float(v["per"]), v["unit"], v["source"], v.get("note", ""))
            for key, v in raw["items"].items()
        }
        units = {
            op: (str(spec[0]), float(spec[1]))
            for op, spec in raw.get("assumptions", {}).get("dynamodb_units_per_call", {}).items()
        }
        return PriceTable(
            raw["region"], raw["currency"], raw["as_of"], raw.get("note", ""), items, raw.get("free_services", {}), units,
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise WorkshopError("cost.bad_prices", path=str(file), error=f"{type(exc).__name__}: {exc}") from exc


# --- which billing line an API call lands on ------------------------------------------------


def billing_line(service: str, operation: str, prices: PriceTable) -> tuple[str, float] | None:
    """``(price key, units per call)`` for one call, ``None`` if the call is free.

    Raises ``KeyError`` if the call is of a service the table does not know (shown as unpriced).
    """
    if service == "sqs":
        return ("sqs.requests", 1.0)  # every SQS action is a billed request (FIFO: see prices.json)
    if service == "sns":
        return ("sns.requests", 1.0)  # Publish/PublishBatch; management calls as an upper bound
    if service == "dynamodb":
        return prices.dynamodb_units.get(operation)  # control plane (CreateTable, …) is free
    if service in prices.free_services:
        return None
    raise KeyError(service)


@dataclass
class CostRow:
    """One line of an estimate: how many units of one price, and what they cost."""

    key: str
    what: str
    quantity: float
    usd_per_unit: float
    calls: dict[str, int] = field(default_factory=dict)  # "service:Operation" -> calls that made it

    @property
    def usd(self) -> float:
        return self.quantity * self.usd_per_unit


@dataclass
class CostEstimate:
    """An estimated bill for some API calls (and Lambda usage), with what it is based on."""

    rows: list[CostRow]
    free_calls: dict[str, int]
    unpriced: dict[str, int]
    prices: PriceTable
    region: str

    @property
    def total_usd(self) -> float:
        return sum(r.usd for r in self.rows)

    @property
    def total_calls(self) -> int:
        return sum(sum(r.calls.values()) for r in self.rows) + sum(self.free_calls.values()) + sum(
            self.unpriced.values()
        )

    def table(self) -> str:
        """The estimate as a fixed-width text table (what :meth:`show` prints)."""
        head = [say("cost.col_what"), say("cost.col_quantity"), say("cost.col_usd_per_unit"), say("cost.col_usd")]
        lines = [f"{pad(head[0], 34)} {pad(head[1], 12, True)} {pad(head[2], 14, True)} {pad(head[3], 12, True)}",
                 "-" * 75]
        for row in sorted(self.rows, key=lambda r: -r.usd):
            lines.append(f"{row.key:<34} {row.quantity:>12,.0f} {row.usd_per_unit:>14.10f} {row.usd:>12.6f}")
        lines.append("-" * 75)
        lines.append(f"{pad(say('cost.estimated_total'), 34)} {'':>12} {'':>14} {self.total_usd:>12.6f}")
        if self.free_calls:
            lines.append(say("cost.free_calls", n=sum(self.free_calls.values()), services=", ".join(
                sorted({k.split(':')[0] for k in self.free_calls}))))
        if self.unpriced:
            lines.append(say("cost.unpriced", calls=", ".join(f"{k} ×{n}" for k, n in sorted(self.unpriced.items()))))
        return "\n".join(lines)

    def show(self) -> None:
        """Print the table, the date and source of the prices, and what is not included."""
        print(self.table())
        print(say("cost.basis", region=self.prices.region, as_of=self.prices.as_of))
        if self.region and self.region != self.prices.region:
            print(say("cost.other_region", region=self.region, priced=self.prices.region))
        storage = self.prices.items.get("dynamodb.storage_gb_month")
        if storage is not None:
            print(say("cost.idle_storage", usd=storage.usd_per_unit))
        print(say("cost.sns_payload_filtering"))


def estimate(
    calls: Mapping[tuple[str, str], int] | None = None,
    *,
    usage: Mapping[str, float] | None = None,
    prices: PriceTable | None = None,
    region: str = "",
) -> CostEstimate:
    """Price ``calls`` (default: this kernel's :data:`~helpers.core.backend.API_CALLS`) plus ``usage``.

    ``usage`` adds quantities that are not API calls we make, keyed like the price table, e.g.
    ``{"lambda.requests": 12, "lambda.gb_seconds": 3.1}`` (see :func:`lambda_usage`).
    """
    from ..core.backend import API_CALLS

    table = prices or load_prices()
    rows: dict[str, CostRow] = {}
    free: dict[str, int] = {}
    unpriced: dict[str, int] = {}

    def add(key: str, quantity: float, call: str | None = None, n: int = 0) -> None:
        if key not in table.items:
            raise WorkshopError("cost.unknown_item", item=key, valid=", ".join(sorted({k.split(".")[0] + "."
                                                                                      for k in table.items})))
        price = table.items[key]
        row = rows.setdefault(key, CostRow(key, price.unit, 0.0, price.usd_per_unit))
        row.quantity += quantity
        if call:
            row.calls[call] = row.calls.get(call, 0) + n

    for (service, operation), n in sorted((calls if calls is not None else API_CALLS).items()):
        if n <= 0:
            continue
        name = f"{service}:{operation}"
        try:
            line = billing_line(service, operation, table)
        except KeyError:
            unpriced[name] = unpriced.get(name, 0) + n
            continue
        if line is None:
            free[name] = free.get(name, 0) + n
        else:
            add(line[0], line[1] * n, name, n)
    for key, quantity in (usage or {}).items():
        if quantity < 0 or not math.isfinite(quantity):
            raise WorkshopError("cost.bad_usage", item=key, value=quantity)
        add(key, float(quantity))
    return CostEstimate(list(rows.values()), free, unpriced, table, region)


def lambda_usage(invocations: int, avg_duration_ms: float, memory_mb: int = 256) -> dict[str, float]:
    """Lambda usage for :func:`estimate`: requests and GB-seconds (duration billed per started ms)."""
    if invocations < 0 or avg_duration_ms < 0 or memory_mb <= 0:
        raise WorkshopError("cost.bad_usage", item="lambda", value=(invocations, avg_duration_ms, memory_mb))
    gb_seconds = invocations * math.ceil(avg_duration_ms) / 1000 * memory_mb / 1024
    return {"lambda.requests": float(invocations), "lambda.gb_seconds": gb_seconds}


def plot_requests(est: CostEstimate, ax: Any = None, top: int = 12) -> Any:
    """Bar chart: billed units per API operation (where the requests, hence the money, go)."""
    import matplotlib.pyplot as plt

    per_call: dict[str, float] = {}
    for row in est.rows:
        for call, n in row.calls.items():
            per_call[call] = per_call.get(call, 0) + n
    items = sorted(per_call.items(), key=lambda kv: kv[1])[-top:]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * max(len(items), 3) + 1))
    ax.barh([k for k, _ in items], [v for _, v in items], color="tab:orange")
    ax.set_xlabel(say("cost.plot_xlabel"))
    ax.set_ylabel(say("cost.plot_ylabel"))
    ax.set_title(say("cost.plot_title", usd=est.total_usd))
    ax.figure.tight_layout()
    return ax
