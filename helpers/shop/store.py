"""The shop's DynamoDB tables: orders, stock, and one effect record per successful step call."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from ..core.backend import client
from ..core.messages import WorkshopError
from ..core.resources import ensure_table
from .model import EFFECTS, Item, Order, OutOfStock, Product, Status

#: The shop's tables: ``{kind: (short table name, partition key, sort key)}``.
TABLES: dict[str, tuple[str, str, str | None]] = {
    "orders": ("shop-orders", "order_id", None),
    "stock": ("shop-stock", "product_id", None),
    "reservations": ("shop-reservations", "order_id", "record_id"),
    "payments": ("shop-payments", "order_id", "record_id"),
    "shipments": ("shop-shipments", "order_id", "record_id"),
    "emails": ("shop-emails", "order_id", "record_id"),
    "points": ("shop-points", "order_id", "record_id"),
}


def _to_ddb(value: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    ser = TypeSerializer()
    return {k: ser.serialize(_decimals(v)) for k, v in value.items()}


def _decimals(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_decimals(v) for v in value]
    return value


def _from_ddb(item: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    de = TypeDeserializer()
    return {k: _plain(de.deserialize(v)) for k, v in item.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def order_from_item(item: dict[str, Any]) -> dict[str, Any]:
    """An order as DynamoDB's ``GetItem`` returns it (typed: ``{"S": …}``) → a plain dict, ``items`` decoded."""
    order = _from_ddb(item)
    if isinstance(order.get("items"), str):
        order["items"] = json.loads(order["items"])
    return order


class Store:
    """The shop's state in DynamoDB: one table per service (each service owns its data).

    ``orders`` (order_id → status, steps, items…), ``stock`` (product_id → available),
    and one record per successful call in ``reservations``, ``payments``, ``shipments``,
    ``emails`` and ``points`` (order_id + record_id), so a duplicate effect — a double
    charge — is visible by counting records per order (:meth:`count_by_order`).
    """

    def __init__(self, tables: dict[str, str]) -> None:
        self.tables = dict(tables)

    @classmethod
    def create(cls) -> Store:
        """Create the tables (or reuse them: ``ensure_table`` is idempotent)."""
        return cls({kind: ensure_table(short, key=key, sort_key=sk) for kind, (short, key, sk) in TABLES.items()})

    @property
    def _ddb(self) -> Any:
        return client("dynamodb")

    # orders
    def put_order(self, order: Order, status: str = Status.ACCEPTED) -> None:
        """Store an order with ``status`` and no step done yet (overwrites one with the same id)."""
        now = time.time()
        item = {
            **order.to_dict(),
            "items": json.dumps([asdict(i) for i in order.items]),
            "status": status,
            "steps": {},
            "updated_at": Decimal(str(round(now, 3))),
        }
        self._ddb.put_item(TableName=self.tables["orders"], Item=_to_ddb(item))

    def set_status(
        self,
        order_id: str,
        status: str,
        *,
        steps: dict[str, str] | None = None,
        failed_step: str | None = None,
        error: str | None = None,
    ) -> None:
        """Set an order's status; optionally its step outcomes, the failed step and the error."""
        names = {"#s": "status", "#u": "updated_at"}
        values: dict[str, Any] = {":s": status, ":u": round(time.time(), 3)}
        sets = ["#s = :s", "#u = :u"]
        if steps is not None:
            names["#st"] = "steps"
            values[":st"] = dict(steps)
            sets.append("#st = :st")
        for attr, value in (("failed_step", failed_step), ("error", error)):
            if value is not None:
                names[f"#{attr}"] = attr
                values[f":{attr}"] = value
                sets.append(f"#{attr} = :{attr}")
        self._ddb.update_item(
            TableName=self.tables["orders"],
            Key={"order_id": {"S": order_id}},
            UpdateExpression="SET " + ", ".join(sets),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=_to_ddb(values),
        )

    def mark_step(self, order_id: str, step: str, outcome: str = "ok") -> None:
        """Record one step's outcome on the order (``steps.<step> = outcome``)."""
        self._ddb.update_item(
            TableName=self.tables["orders"],
            Key={"order_id": {"S": order_id}},
            UpdateExpression="SET #steps.#step = :o, #u = :u",
            ExpressionAttributeNames={"#steps": "steps", "#step": step, "#u": "updated_at"},
            ExpressionAttributeValues=_to_ddb({":o": outcome, ":u": round(time.time(), 3)}),
        )

    def get_order(self, order_id: str) -> dict[str, Any] | None:
        """The stored order as a plain dict (``items`` decoded), or ``None``."""
        item = self._ddb.get_item(
            TableName=self.tables["orders"], Key={"order_id": {"S": order_id}}, ConsistentRead=True
        ).get("Item")
        return None if item is None else order_from_item(item)

    # stock
    def reset_stock(self, catalog: dict[str, Product]) -> None:
        """Set every product's available units to the catalog's ``initial_stock``."""
        for p in catalog.values():
            self._ddb.put_item(
                TableName=self.tables["stock"],
                Item=_to_ddb({"product_id": p.product_id, "available": p.initial_stock}),
            )

    def stock_level(self, product_id: str) -> int:
        """Units available now (0 for an unknown product)."""
        item = self._ddb.get_item(
            TableName=self.tables["stock"], Key={"product_id": {"S": product_id}}, ConsistentRead=True
        ).get("Item")
        return int(item["available"]["N"]) if item else 0

    def reserve(self, order: Order) -> None:
        """Take the order's units out of stock (all or nothing) and write a reservation record.

        Raises :class:`OutOfStock` if a product has too few units; units already taken for
        the order's earlier lines are put back first.
        """
        ddb = self._ddb
        taken: list[Item] = []
        for item in order.items:
            try:
                ddb.update_item(
                    TableName=self.tables["stock"],
                    Key={"product_id": {"S": item.product_id}},
                    UpdateExpression="SET available = available - :q",
                    ConditionExpression="available >= :q",
                    ExpressionAttributeValues={":q": {"N": str(item.quantity)}},
                )
            except ddb.exceptions.ConditionalCheckFailedException:
                for back in taken:
                    self._release(back)
                raise OutOfStock(
                    "shop.out_of_stock", step="inventory", service="inventory", product=item.product_id
                ) from None
            taken.append(item)
        self._record("reservations", order, {"items": json.dumps([asdict(i) for i in order.items])})

    def _release(self, item: Item) -> None:
        self._ddb.update_item(
            TableName=self.tables["stock"],
            Key={"product_id": {"S": item.product_id}},
            UpdateExpression="SET available = available + :q",
            ExpressionAttributeValues={":q": {"N": str(item.quantity)}},
        )

    # effect records
    def _record(self, kind: str, order: Order, fields: dict[str, Any]) -> str:
        record_id = uuid.uuid4().hex
        item = {"order_id": order.order_id, "record_id": record_id, "at": round(time.time(), 3), **fields}
        self._ddb.put_item(TableName=self.tables[kind], Item=_to_ddb(item))
        return record_id

    def record_charge(self, order: Order) -> str:
        """One charge of the order's total to the customer (a second call is a double charge)."""
        return self._record("payments", order, {"customer_id": order.customer_id, "amount_jpy": order.total_jpy})

    def record_shipment(self, order: Order) -> str:
        """One shipment of the order's items."""
        return self._record("shipments", order, {"items": json.dumps([asdict(i) for i in order.items])})

    def record_email(self, order: Order) -> str:
        """One confirmation e-mail sent."""
        return self._record("emails", order, {"to": order.email, "subject": f"Order {order.order_id} confirmed"})

    def record_points(self, order: Order) -> str:
        """One credit of loyalty points."""
        return self._record("points", order, {"customer_id": order.customer_id, "points": order.points})

    def records(self, kind: str, order_id: str) -> list[dict[str, Any]]:
        """All records of ``kind`` (e.g. ``"payments"``) for one order."""
        table = self._table(kind)
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": "order_id = :o",
            "ExpressionAttributeValues": {":o": {"S": order_id}},
            "ConsistentRead": True,
        }
        while True:
            page = self._ddb.query(**kwargs)
            items += [_from_ddb(i) for i in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def count_by_order(self, kind: str, order_ids: Iterable[str] | None = None) -> Counter[str]:
        """How many records of ``kind`` each order has (one scan; optionally only ``order_ids``)."""
        table = self._table(kind)
        wanted = set(order_ids) if order_ids is not None else None
        counts: Counter[str] = Counter()
        kwargs: dict[str, Any] = {"TableName": table, "ProjectionExpression": "order_id", "ConsistentRead": True}
        while True:
            page = self._ddb.scan(**kwargs)
            for item in page.get("Items", []):
                oid = item["order_id"]["S"]
                if wanted is None or oid in wanted:
                    counts[oid] += 1
            if "LastEvaluatedKey" not in page:
                return counts
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def count(self, kind: str) -> int:
        """Items in one table (``"orders"``, ``"stock"``, ``"payments"``…) right now (a scan: small tables only)."""
        if kind not in self.tables:
            raise WorkshopError("shop.unknown_kind", kind=kind, valid=", ".join(self.tables))
        total = 0
        kwargs: dict[str, Any] = {"TableName": self.tables[kind], "Select": "COUNT", "ConsistentRead": True}
        while True:
            page = self._ddb.scan(**kwargs)
            total += page["Count"]
            if "LastEvaluatedKey" not in page:
                return total
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def counts(self) -> dict[str, int]:
        """Items in every table: ``{"orders": …, "stock": …, "payments": …}``."""
        return {kind: self.count(kind) for kind in self.tables}

    def effects(self, order_ids: Iterable[str]) -> dict[str, Counter[str]]:
        """For each effect table, records per order among ``order_ids``: ``{"payments": Counter, …}``."""
        ids = list(order_ids)
        return {kind: self.count_by_order(kind, ids) for kind in EFFECTS.values()}

    def _table(self, kind: str) -> str:
        if kind not in self.tables or kind in ("orders", "stock"):
            valid = ", ".join(EFFECTS.values())
            raise WorkshopError("shop.unknown_kind", kind=kind, valid=valid)
        return self.tables[kind]
