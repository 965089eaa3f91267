"""The :class:`Shop`: the six steps against the simulated services and the store, the sync harness and load runs.

The synchronous order handler itself is not here: notebook 01 defines it (``place_order``, saved to
:mod:`helpers.sync.lesson`), and :meth:`Shop.place_order_sync` runs it and records what it did.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.display import columns, pad, progress_bar
from ..core.messages import WorkshopError, say
from .data import DATA_DIR, StepProfile, load_catalog, load_invalid_examples, load_profile, load_sample_orders
from .model import DOWNSTREAM, STEPS, InvalidOrder, Order, Product, ServiceError, Span, Status, validate_order
from .results import LoadResult, OrderResult, SweepPoint, percentile
from .services import DeployWindow, Service
from .speed import speed
from .store import Store

#: An order handler: ``handler(shop, payload)`` runs the steps of one order (notebook 01's ``place_order``).
Handler = Callable[["Shop", Any], Any]

#: The columns of :meth:`Shop.describe`: heading key (``shop.describe.<key>``), width on screen, right-aligned.
_DESCRIBE_COLUMNS = (("step", 10, False), ("service", 10, False), ("median", 8, True), ("p95", 8, True),
                     ("fails", 7, True), ("sleeps", 14, True))


@dataclass
class Trace:
    """What the steps called on one thread recorded while the harness ran a handler: spans, and the order."""

    spans: list[Span] = field(default_factory=list)
    order: Order | None = None


@dataclass
class StepsRun:
    """What :meth:`Shop.run_steps` did: each step's outcome in order, their spans, and the first failure."""

    steps: dict[str, str] = field(default_factory=dict)  # step → "ok" or the failing step's outcome
    spans: list[Span] = field(default_factory=list)
    failed_step: str | None = None
    error: ServiceError | None = None


class Shop:
    """Services + store for one notebook. Make one with :meth:`Shop.create`; nothing is global."""

    def __init__(
        self,
        *,
        catalog: dict[str, Product],
        profile: dict[str, StepProfile],
        store: Store,
        seed: int = 42,
        sample_orders: list[dict[str, Any]] | None = None,
    ) -> None:
        self.catalog = catalog
        self.profile = profile
        self.store = store
        self.seed = seed
        self.services: dict[str, Service] = {step: Service(profile[step], seed=seed) for step in STEPS}
        self._samples = list(sample_orders or [])
        self._local = threading.local()  # .trace: the Trace of the order this thread is placing, or None

    @classmethod
    def create(cls, seed: int = 42, *, data_dir: str | Path | None = None, reset_stock: bool = True) -> Shop:
        """Load the data, create (or reuse) the tables and reset stock: a fresh shop, same tables.

        Needs the backend (``use_backend()``) first. ``seed`` makes latencies and failures
        repeatable when orders are placed one after another.
        """
        base = Path(data_dir) if data_dir else DATA_DIR
        catalog = load_catalog(base / "catalog.json")
        store = Store.create()
        if reset_stock:
            store.reset_stock(catalog)
        return cls(
            catalog=catalog,
            profile=load_profile(base / "service_profile.json"),
            store=store,
            seed=seed,
            sample_orders=load_sample_orders(base / "sample_orders.json"),
        )

    # configuration
    def service(self, step: str) -> Service:
        """The service behind ``step`` (one of :data:`STEPS`)."""
        if step not in self.services:
            raise WorkshopError("shop.unknown_step", step=step, valid=", ".join(STEPS))
        return self.services[step]

    def configure(self, step: str, **settings: Any) -> Service:
        """``shop.configure("payment", median_ms=900)`` — see :meth:`Service.configure`."""
        return self.service(step).configure(**settings)

    def set_failure_rates(self, rates: float | dict[str, float]) -> None:
        """One rate for every downstream step, or ``{step: rate}``."""
        chosen = dict.fromkeys(DOWNSTREAM, rates) if isinstance(rates, (int, float)) else rates
        for step, rate in chosen.items():
            self.configure(step, failure_rate=rate)

    def set_jitter(self, on: bool) -> None:
        """Random latency variation on (realistic) or off (every call takes its median)."""
        for svc in self.services.values():
            svc.configure(jitter=on)

    def reset(self, *, failures: bool = True) -> None:
        """Every service back to the profile: latencies, failure rates, up, jitter on.

        ``failures=False`` also sets every failure rate to 0 (for sections about time only).
        """
        for svc in self.services.values():
            svc.reset()
        if not failures:
            self.set_failure_rates(0)

    def predicted_ms(self, *, stat: str = "median", steps: Iterable[str] = STEPS, overhead_ms: float = 0.0) -> float:
        """Predicted response time of one order in real ms: Σ step latency × speed (+ overhead).

        ``stat="median"`` sums medians (the typical order), ``"mean"`` sums means (what
        throughput and Little's law need).
        """
        total = sum(
            (self.service(s).median_ms if stat == "median" else self.service(s).mean_ms) for s in steps
        )
        return total * speed() + overhead_ms

    def describe(self) -> str:
        """The services' current settings as a text table, with what one call sleeps at this speed.

        The headings are in the learner's language, padded by their width on screen (a full-width
        character takes two columns), so the columns stay aligned in Japanese too.
        """
        head = " ".join(pad(say(f"shop.describe.{key}"), width, right)
                        for key, width, right in _DESCRIBE_COLUMNS)
        lines = [head, "-" * columns(head)]
        for step in STEPS:
            svc = self.services[step]
            lines.append(
                f"{step:<10} {svc.name:<10} {svc.median_ms:>5.0f} ms {svc.p95_ms:>5.0f} ms "
                f"{svc.failure_rate * 100:>6.1f}% {svc.median_ms * speed():>11.0f} ms"
            )
        total = sum(s.median_ms for s in self.services.values())
        lines.append("-" * columns(head))
        total_cells = f"{total:>5.0f} ms {'':>8} {'':>7} {total * speed():>11.0f} ms"
        lines.append(f"{pad(say('shop.describe.sum'), 21)} {total_cells}   {say('shop.describe.speed', speed=speed())}")
        return "\n".join(lines)

    def expected_availability(self) -> float:
        """Chance an order gets through every step: the product of the step availabilities."""
        return math.prod(svc.availability for svc in self.services.values())

    # orders
    def sample_orders(self, n: int | None = None, *, start: int = 0) -> list[dict[str, Any]]:
        """``n`` sample payloads (cycling through ``data/sample_orders.json``), fresh copies."""
        if not self._samples:
            return []
        count = len(self._samples) if n is None else n
        return [json.loads(json.dumps(self._samples[(start + i) % len(self._samples)])) for i in range(count)]

    def invalid_examples(self) -> list[dict[str, Any]]:
        """Payloads that validation must reject, each ``{"why", "payload"}``."""
        return load_invalid_examples()

    def validate(self, payload: Any) -> Order:
        """:func:`validate_order` against this shop's catalog (no sleep, no write)."""
        return validate_order(payload, self.catalog)

    # the steps (each: simulated call, then its DynamoDB effect; returns a Span or raises)
    def accept_order(self, payload: Any) -> tuple[Order, Span]:
        """Step 1, ``validate``: check the payload, store the order as ``ACCEPTED``.

        Raises :class:`InvalidOrder` (``.span`` set) for a bad payload; then nothing is written.
        """
        svc = self.services["validate"]
        start = time.perf_counter()
        simulated = svc.call(start)
        try:
            order = self.validate(payload)
        except InvalidOrder as err:
            oid = payload.get("order_id") if isinstance(payload, dict) else None
            err.span = Span(str(oid or "?"), "validate", svc.name, start, time.perf_counter(), "rejected",
                            simulated, str(err))
            self._record(err.span)
            raise
        self.store.put_order(order, Status.ACCEPTED)
        span = Span(order.order_id, "validate", svc.name, start, time.perf_counter(), "ok", simulated)
        self._record(span, order)
        return order, span

    def reserve_stock(self, order: Order) -> Span:
        """Step 2, ``inventory``: reserve the units (stock table + a reservations record)."""
        return self._step("inventory", order, self.store.reserve)

    def charge_payment(self, order: Order) -> Span:
        """Step 3, ``payment``: charge the total (one payments record per call)."""
        return self._step("payment", order, self.store.record_charge)

    def create_shipment(self, order: Order) -> Span:
        """Step 4, ``shipping``: book the shipment (one shipments record per call)."""
        return self._step("shipping", order, self.store.record_shipment)

    def send_email(self, order: Order) -> Span:
        """Step 5, ``email``: send the confirmation (one emails record per call)."""
        return self._step("email", order, self.store.record_email)

    def add_points(self, order: Order) -> Span:
        """Step 6, ``points``: credit loyalty points (one points record per call)."""
        return self._step("points", order, self.store.record_points)

    def step_function(self, step: str) -> Callable[[Order], Span]:
        """The method for a downstream step, e.g. ``shop.step_function("payment")(order)``."""
        funcs = {
            "inventory": self.reserve_stock,
            "payment": self.charge_payment,
            "shipping": self.create_shipment,
            "email": self.send_email,
            "points": self.add_points,
        }
        if step not in funcs:
            raise WorkshopError("shop.unknown_step", step=step, valid=", ".join(DOWNSTREAM))
        return funcs[step]

    def run_steps(self, order: Order, steps: Iterable[str] = DOWNSTREAM, *,
                  on_step: Callable[[str, str], Any] | None = None) -> StepsRun:
        """Run ``steps`` for ``order`` in order and stop at the first that fails: the one step loop.

        The queue's worker and both hybrid paths share it (the synchronous chain is notebook 01's
        handler, written out step by step). A failing step's span and outcome are kept and the
        loop stops; the steps before it keep their effects (nothing is undone). ``on_step(step, outcome)`` is told after every step. The order's
        status is not written here: each caller decides what it becomes.
        """
        run = StepsRun()
        for step in steps:
            try:
                span = self.step_function(step)(order)
            except ServiceError as err:
                run.steps[step] = err.outcome
                run.spans.extend([err.span] if err.span is not None else [])
                run.failed_step, run.error = step, err
                if on_step is not None:
                    on_step(step, err.outcome)
                return run
            run.steps[step] = "ok"
            run.spans.append(span)
            if on_step is not None:
                on_step(step, "ok")
        return run

    def _step(self, step: str, order: Order, effect: Callable[[Order], Any]) -> Span:
        svc = self.services[step]
        start = time.perf_counter()
        simulated = 0.0
        try:
            simulated = svc.call(start)
            effect(order)
        except ServiceError as err:
            err.span = Span(order.order_id, step, svc.name, start, time.perf_counter(), err.outcome,
                            err.simulated_ms or simulated, str(err))
            self._record(err.span)
            raise
        span = Span(order.order_id, step, svc.name, start, time.perf_counter(), "ok", simulated)
        self._record(span)
        return span

    def _record(self, span: Span, order: Order | None = None) -> None:
        """Add ``span`` (and the accepted ``order``) to this thread's trace, while the harness runs a handler."""
        trace: Trace | None = getattr(self._local, "trace", None)
        if trace is not None:
            trace.spans.append(span)
            if order is not None:
                trace.order = order

    # the synchronous order: the harness around notebook 01's handler
    def place_order_sync(self, payload: Any, *, handler: Handler | None = None,
                         submitted: float | None = None) -> OrderResult:
        """Place one order synchronously with ``handler`` and record what it did.

        ``handler(shop, payload)`` calls the steps one after another (default: notebook 01's
        ``place_order``, saved to :mod:`helpers.sync.lesson`; the one synchronous chain of the
        course). Every step it calls on this thread adds its span. Then the order's final status
        is stored (timed: ``status_ms``). Returns an :class:`OrderResult`: ``COMPLETED``; ``FAILED``
        at the first step that raised (the steps before it keep their effects: nothing is undone);
        or ``REJECTED`` for an invalid order (nothing written).
        """
        if handler is None:
            from ..sync.lesson import place_order as handler
        trace = Trace()
        self._local.trace = trace
        start = time.perf_counter()
        failure: ServiceError | None = None
        try:
            handler(self, payload)
        except InvalidOrder as err:
            return OrderResult(None, Status.REJECTED, trace.spans, start, time.perf_counter(), "validate", str(err),
                               submitted=submitted)
        except ServiceError as err:
            failure = err
        finally:
            self._local.trace = None
        order = trace.order
        if order is None:
            raise WorkshopError("shop.no_order")
        steps = {span.step: span.outcome for span in trace.spans}
        status = Status.COMPLETED if failure is None else Status.FAILED
        before = time.perf_counter()
        if failure is None:
            self.store.set_status(order.order_id, status, steps=steps)
        else:
            self.store.set_status(order.order_id, status, steps=steps, failed_step=failure.step, error=str(failure))
        end = time.perf_counter()
        return OrderResult(order.order_id, status, trace.spans, start, end, failure and failure.step,
                           failure and str(failure), order, submitted, (end - before) * 1000)

    def _safe_place(self, payload: Any, submitted: float | None = None, handler: Handler | None = None) -> OrderResult:
        """place_order_sync that never raises (an unexpected error becomes a FAILED result)."""
        start = time.perf_counter()
        try:
            return self.place_order_sync(payload, handler=handler, submitted=submitted)
        except Exception as exc:  # e.g. a throttled AWS call: recorded, the run goes on
            return OrderResult(None, Status.FAILED, [], start, time.perf_counter(), "?",
                               f"{type(exc).__name__}: {exc}", submitted=submitted)

    # load
    def run_load(
        self, payloads: Sequence[Any], *, clients: int = 1, progress: bool | str = False,
        handler: Handler | None = None,
    ) -> LoadResult:
        """``clients`` threads place ``payloads`` as fast as they can (closed loop).

        Each client sends its next order as soon as its previous one is answered, like a web
        server with ``clients`` worker threads busy for the whole chain. Results come back in
        payload order. ``progress`` shows a tqdm bar (a string is its label). ``handler``: the
        order handler to run (see :meth:`place_order_sync`).
        """
        if not isinstance(clients, int) or clients < 1:
            raise WorkshopError("shop.bad_clients", clients=clients)
        results: list[OrderResult | None] = [None] * len(payloads)
        bar = progress_bar(len(payloads), progress, "progress.orders")
        start = time.perf_counter()
        if clients == 1:
            for i, payload in enumerate(payloads):
                results[i] = self._safe_place(payload, handler=handler)
                bar.update(1)
        else:
            def one(i: int) -> None:
                results[i] = self._safe_place(payloads[i], handler=handler)
                bar.update(1)

            with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="client") as pool:
                list(pool.map(one, range(len(payloads))))
        end = time.perf_counter()
        bar.close()
        return LoadResult([r for r in results if r is not None], start, end, clients=clients)

    def run_stream(
        self,
        payloads: Sequence[Any],
        *,
        interval_ms: float,
        workers: int = 32,
        windows: Sequence[DeployWindow] = (),
        progress: bool | str = False,
    ) -> LoadResult:
        """Send one order every ``interval_ms`` (shop ms, scaled by the speed), whatever happens.

        Open loop, like customers arriving: each order gets its own worker thread (up to
        ``workers``), and its response time counts from when it was sent. ``windows`` (e.g.
        from :meth:`Service.deploy`) are kept on the result for the timeline.
        """
        if not interval_ms or interval_ms <= 0:
            raise WorkshopError("shop.bad_interval", interval_ms=interval_ms)
        gap = interval_ms * speed() / 1000
        bar = progress_bar(len(payloads), progress, "progress.orders")
        futures = []
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="customer") as pool:
            for i, payload in enumerate(payloads):
                due = start + i * gap
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                fut = pool.submit(self._safe_place, payload, due)
                fut.add_done_callback(lambda _f: bar.update(1))
                futures.append(fut)
            results = [f.result() for f in futures]
        end = time.perf_counter()
        bar.close()
        return LoadResult(results, start, end, interval_ms=interval_ms, windows=list(windows))

    def measure_overhead(self, n: int = 3, *, handler: Handler | None = None) -> float:
        """Median real ms an order takes beyond its simulated service time: DynamoDB calls,
        Python, and waking up from each sleep (on a busy machine that is not free).

        Places ``n`` orders (plus one warm-up: the first calls of a kernel are slower) at the
        current speed and subtracts what the services slept. The honest part of a prediction
        that the profile does not contain.
        """
        load = self.run_load(self.sample_orders(n + 1), clients=1, handler=handler)
        extra = [r.overhead_ms for r in load.results[1:] if r.ok] or [r.overhead_ms for r in load.results]
        return percentile(extra, 50)

    def sweep_latency(
        self,
        step: str,
        latencies_ms: Sequence[float],
        *,
        clients: int,
        orders_per_client: int,
        overhead_ms: float | None = None,
        progress: bool = True,
    ) -> list[SweepPoint]:
        """Make ``step`` slower and slower; at each latency run a closed-loop burst and model it.

        Model (Little's law, L = λ·W with L = ``clients`` busy threads): W = Σ mean step
        latency from the profile × speed + overhead, λ = clients / W. The overhead — DynamoDB,
        Python and, on a busy machine, waiting for a CPU — is measured on the same work as the
        throughput (:meth:`LoadResult.busy_window`) unless ``overhead_ms`` fixes it, so the
        model's only assumption is the profile's latencies. The step's settings are restored after.
        """
        svc = self.service(step)
        saved = (svc.median_ms, svc.p95_ms)
        points: list[SweepPoint] = []
        bar = progress_bar(len(latencies_ms), progress, "progress.latency_sweep")
        try:
            for i, latency in enumerate(latencies_ms):
                svc.configure(median_ms=latency)
                load = self.run_load(self.sample_orders(clients * orders_per_client, start=i), clients=clients)
                extra = overhead_ms
                if extra is None:
                    busy = load.busy_window()
                    if busy is not None:
                        extra = busy.overhead_ms
                    else:
                        extra = sum(r.overhead_ms for r in load.results) / len(load.results) if load.results else 0.0
                model_w = self.predicted_ms(stat="mean", overhead_ms=extra)
                points.append(SweepPoint(step, float(latency), load, model_w, clients / (model_w / 1000), extra))
                bar.update(1)
        finally:
            svc.configure(median_ms=saved[0], p95_ms=saved[1])
            bar.close()
        return points
