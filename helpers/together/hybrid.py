"""Sync and async together: which steps the caller waits for, and an order status with per-step progress.

Not every step should go async. A step stays **synchronous** when the caller needs its answer
before we respond — the customer must hear *now* that the card was declined or the item is
sold out, not in an e-mail an hour later. Everything else (booking the shipment, the e-mail,
loyalty points) can happen after the answer.

* :data:`CALLER_NEEDS_ANSWER` is that judgement per step (the one thing the service profile
  cannot tell us); the reasons are sentences in :mod:`helpers.together.messages` (``hybrid.why.<step>``).
* :func:`decide` joins it with the profile (latency, failure rate) into a decision table;
  :func:`predict` says what each design makes the customer wait for and how often the answer
  is an error.
* :class:`HybridShop` is what the handlers of notebook 06 work on: the domain shop, the orders
  queue and the worker. Its worker marks every step in the orders table as it completes, so
  ``GET /orders/{order_id}`` can show progress (:func:`status_document`). The routes themselves
  (``POST /sync/orders``, ``/async/orders``, ``/hybrid/orders``) are the notebook's code, saved to
  :mod:`helpers.together.lesson`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core.backend import client
from ..core.display import Table
from ..core.messages import WorkshopError, say
from ..queues.async_shop import AsyncShop
from ..shop import (
    DOWNSTREAM,
    STEPS,
    Order,
    OrderResult,
    Shop,
    Status,
    StepProfile,
    speed,
)

#: Status of a hybrid order once the steps the caller waits for are done (stock reserved,
#: payment authorised) while the rest is still queued. Stored like the domain's statuses.
CONFIRMED = "CONFIRMED"

#: Does the caller need this step's answer before we respond? The judgement the profile cannot
#: make: a step whose outcome changes what we must tell the customer *now* stays synchronous.
#: The reason for each is the sentence ``hybrid.why.<step>`` in :mod:`helpers.together.messages`.
CALLER_NEEDS_ANSWER: dict[str, bool] = {
    "validate": True,  # a malformed order must be refused while the customer can fix it
    "inventory": True,  # selling what is not there means a cancellation e-mail later
    "payment": True,  # a declined card must be told while the customer is still at the checkout
    "shipping": False,  # booking the carrier a minute later changes nothing the customer sees now
    "email": False,  # the e-mail is itself asynchronous: nobody waits at the checkout for it
    "points": False,  # points appearing a few seconds later harm no one
}

#: HTTP status of a domain outcome that ends an order early.
HTTP_FOR_OUTCOME: dict[str, int] = {"out_of_stock": 409, "failed": 502, "unavailable": 502}


# --- the decision table ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """One step: its profile numbers, whether the caller needs its answer, and the resulting mode."""

    step: str
    service: str
    median_ms: float
    p95_ms: float
    failure_rate: float
    needs_answer: bool
    why: str

    @property
    def mode(self) -> str:
        """``"sync"`` (the caller waits for it) or ``"async"`` (after the answer, from the queue)."""
        return "sync" if self.needs_answer else "async"


@dataclass
class Decisions:
    """The decision table for every step, in :data:`~helpers.shop.STEPS` order."""

    rows: list[Decision]

    @property
    def sync_steps(self) -> tuple[str, ...]:
        """Steps the caller waits for."""
        return tuple(d.step for d in self.rows if d.mode == "sync")

    @property
    def async_steps(self) -> tuple[str, ...]:
        """Steps that run after the answer."""
        return tuple(d.step for d in self.rows if d.mode == "async")

    def table(self) -> Table:
        """The table a learner reads: numbers from ``data/service_profile.json``, the flag, the mode, why."""
        t = Table([say(f"hybrid.col.{c}") for c in ("step", "service", "median", "p95", "fails", "needs", "mode",
                                                    "why")], title=say("hybrid.decisions_title"))
        for d in self.rows:
            t.rows.append([d.step, d.service, d.median_ms, d.p95_ms, f"{d.failure_rate:.1%}",
                           say("hybrid.yes" if d.needs_answer else "hybrid.no"), say(f"hybrid.design.{d.mode}"), d.why])
        return t

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def __str__(self) -> str:
        return str(self.table())


def decide(
    profile: Shop | dict[str, StepProfile], needs_answer: dict[str, bool] | None = None
) -> Decisions:
    """Join the service profile (a :class:`Shop` uses its *current* service settings) with the
    caller-needs-answer flags into a :class:`Decisions` table. ``needs_answer`` overrides
    :data:`CALLER_NEEDS_ANSWER` for some or all steps; ``validate`` is always synchronous (an
    order must be checked before it is accepted)."""
    flags = {**CALLER_NEEDS_ANSWER, **(needs_answer or {})}
    unknown = sorted(set(flags) - set(STEPS))
    if unknown:
        raise WorkshopError("shop.unknown_step", step=unknown[0], valid=", ".join(STEPS))
    flags["validate"] = True
    rows = []
    for step in STEPS:
        if isinstance(profile, Shop):
            svc = profile.service(step)
            numbers = (svc.name, svc.median_ms, svc.p95_ms, svc.failure_rate)
        else:
            p = profile[step]
            numbers = (p.service, p.median_ms, p.p95_ms, p.failure_rate)
        rows.append(Decision(step, *numbers, needs_answer=bool(flags[step]), why=say(f"hybrid.why.{step}")))
    return Decisions(rows)


@dataclass(frozen=True)
class Prediction:
    """What one design makes the caller wait for, from the profile."""

    design: str
    waits_for: tuple[str, ...]
    median_ms: float  # Σ medians of the steps waited for × speed factor: real ms, before overhead
    error_share: float  # chance the answer is an error: 1 − Π availability of the steps waited for
    knows: str  # what the customer knows when the answer arrives

    @property
    def errors_per_10k(self) -> float:
        """Answers per 10,000 orders that are an error because a step waited for failed."""
        return self.error_share * 10_000


def predict(decisions: Decisions) -> list[Prediction]:
    """For the ``sync``, ``hybrid`` and ``async`` designs: the steps waited for, the typical
    wait (sum of medians × the current speed factor, in real ms) and the share of answers that
    are an error."""
    by_step = {d.step: d for d in decisions.rows}
    designs = {
        "sync": tuple(STEPS),
        "hybrid": decisions.sync_steps,
        "async": ("validate",),
    }
    out = []
    for name, steps in designs.items():
        median = sum(by_step[s].median_ms for s in steps) * speed()
        ok = 1.0
        for s in steps:
            ok *= 1.0 - by_step[s].failure_rate
        out.append(Prediction(name, steps, median, 1.0 - ok, say(f"hybrid.knows.{name}")))
    return out


def prediction_table(predictions: Sequence[Prediction]) -> Table:
    """The predictions as a table: design, steps waited for, typical wait, errors, what the customer knows."""
    t = Table([say("hybrid.col.design"), say("hybrid.col.waits_for"), say("hybrid.col.wait", speed=speed()),
               say("hybrid.col.errors"), say("hybrid.col.knows")], title=say("hybrid.predictions_title"))
    for p in predictions:
        t.rows.append([say(f"hybrid.design.{p.design}"), " → ".join(p.waits_for), p.median_ms,
                       f"{p.errors_per_10k:.0f}", p.knows])
    return t


# --- the order status ------------------------------------------------------------------------------


def status_document(stored: dict[str, Any]) -> dict[str, Any]:
    """What ``GET /orders/{id}`` answers for a stored order: status and per-step progress.

    ``steps`` lists every step in order with ``"ok"``, a failure outcome or ``"pending"``; a
    stored order always passed validation (an invalid one is never stored), so ``validate`` is
    ``"ok"`` even before a worker records anything. A worker that stores only the final status
    (03's ``process_record``, the worker 07 deploys) records no steps: then ``COMPLETED`` means
    every step ran, and ``FAILED`` at a step means the steps before it ran and that one failed.
    """
    recorded = dict(stored.get("steps") or {})
    recorded.setdefault("validate", "ok")
    failed_step = stored.get("failed_step")
    for i, step in enumerate(STEPS):
        if stored.get("status") == Status.COMPLETED:
            recorded.setdefault(step, "ok")
        elif stored.get("status") == Status.FAILED and failed_step in STEPS:
            at = STEPS.index(failed_step)
            if i < at:
                recorded.setdefault(step, "ok")
            elif i == at:
                recorded.setdefault(step, "failed")
    steps = {s: str(recorded.get(s, "pending")) for s in STEPS}
    doc: dict[str, Any] = {
        "order_id": stored.get("order_id"),
        "status": stored.get("status"),
        "steps": steps,
        "steps_done": sum(1 for v in steps.values() if v == "ok"),
        "steps_total": len(STEPS),
        "customer_id": stored.get("customer_id"),
        "total_jpy": stored.get("total_jpy"),
        "updated_at": stored.get("updated_at"),
    }
    for key in ("failed_step", "error"):
        if stored.get(key):
            doc[key] = stored[key]
    return doc


# --- the hybrid shop -------------------------------------------------------------------------------


class HybridShop(AsyncShop):
    """The async shop whose worker records per-step progress: what 06's handlers work on.

    The accept paths are the notebooks' own handlers (03's ``accept_order``, 06's routes); this
    class keeps the worker (:meth:`process_record`), the tracking of finished orders and the
    status read-back.
    """

    # --- execute: per-step progress -------------------------------------------------------------
    def process_record(self, record: Any) -> str:
        """Run the steps a queued order still needs, marking each one in the orders table.

        Which steps: the message attribute ``steps`` (comma-separated, set by 06's hybrid route),
        otherwise every downstream step (a message from 03's ``accept_order``). A failed step
        marks the order ``FAILED`` (or, with ``retry_failures``, fails the record so the message
        comes back).
        """
        order = Order.from_json(record.body)  # InvalidOrder for a poison message: the record fails
        store = self.shop.store
        client("dynamodb").update_item(  # an order stored by 03's accept_order has no map of steps yet
            TableName=store.tables["orders"], Key={"order_id": {"S": order.order_id}},
            UpdateExpression="SET #steps = if_not_exists(#steps, :none)", ExpressionAttributeNames={"#steps": "steps"},
            ExpressionAttributeValues={":none": {"M": {}}})
        run = self.shop.run_steps(order, _steps_of(record),
                                  on_step=lambda step, outcome: store.mark_step(order.order_id, step, outcome))
        if run.error is not None:
            if self.retry_failures:
                raise run.error
            store.set_status(order.order_id, Status.FAILED, failed_step=run.failed_step, error=str(run.error))
            self._finish(order.order_id, Status.FAILED)
            return Status.FAILED
        store.set_status(order.order_id, Status.COMPLETED)
        self._finish(order.order_id, Status.COMPLETED)
        return Status.COMPLETED

    # --- the synchronous path ----------------------------------------------------------------------
    def place_order_sync(self, payload: Any) -> OrderResult:
        """The domain's synchronous chain (every step while the caller waits), recorded as finished
        here too, so waits and end-to-end times treat all three designs alike."""
        result = self.shop.place_order_sync(payload)
        if result.order_id is not None and result.status != Status.REJECTED:
            self._finish(result.order_id, result.status)
        return result

    # --- read back -------------------------------------------------------------------------------
    def status_of(self, order_id: str) -> dict[str, Any] | None:
        """The status document of an order (:func:`status_document`), or ``None`` if unknown."""
        stored = self.shop.store.get_order(order_id)
        return None if stored is None else status_document(stored)


def _steps_of(record: Any) -> tuple[str, ...]:
    """The steps a queued order still needs: the ``steps`` message attribute, or every downstream step."""
    attrs = getattr(record, "message_attributes", None) or {}
    try:
        attr = attrs["steps"]  # Powertools' SQSMessageAttributes: None when absent
    except KeyError:
        attr = None
    raw = getattr(attr, "string_value", None) if attr is not None else None
    if not raw:
        return DOWNSTREAM
    steps = tuple(s.strip() for s in raw.split(",") if s.strip())
    bad = [s for s in steps if s not in DOWNSTREAM]
    if bad:
        raise WorkshopError("shop.unknown_step", step=bad[0], valid=", ".join(DOWNSTREAM))
    return steps
