"""A small control panel for 05_failure_isolation: break things and watch nothing get lost.

Buttons to take each service down and bring it back, a failure-rate slider, "send orders",
"inject a duplicate", "inject a poison message", "redrive the DLQ", and workers on/off. Below
them, refreshed every second while the workers run: the depths of the orders queue and its DLQ,
and the latest orders with their status and effect counts, read from the tables.

Every action is a plain method too (:meth:`ControlPanel.send_orders`, …), so the panel can be
tested and scripted without a browser.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from typing import Any

from ..core.messages import say
from ..core.workers import WorkerPool
from ..shop import DOWNSTREAM, EFFECTS
from . import lesson
from .pipeline import OrderPipeline

POISON_BODY = "this is not an order #{n}"


class ControlPanel:
    """Widgets around an :class:`~helpers.failure.pipeline.OrderPipeline` (idempotent steps recommended).

    ``redrive(queue_url, dlq_url) -> (how, moved)`` is the notebook's ``redrive`` (the saved one by default).
    """

    def __init__(self, pipe: OrderPipeline, *, redrive: Callable[[str, str], tuple[str, int]] | None = None,
                 workers: int = 2, refresh_s: float = 1.0, rows: int = 8) -> None:
        self.pipe = pipe
        self.redrive_fn = redrive or lesson.redrive
        self.workers = workers
        self.refresh_s = refresh_s
        self.rows = rows
        self.order_ids: list[str] = []
        self.log: list[str] = []
        self._pool: WorkerPool | None = None
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None
        self._poison = 0
        self._widget: Any = None
        self._status: Any = None
        self._buttons: dict[str, Any] = {}

    # --- actions ----------------------------------------------------------------------------
    def set_down(self, step: str, down: bool) -> None:
        """Take ``step``'s service down (an outage) or bring it back."""
        svc = self.pipe.shop.service(step)
        if down:
            svc.take_down()
        else:
            svc.restore()
        self._note(say("panel.down" if down else "panel.up", step=step))

    def set_failure_rate(self, step: str, rate: float) -> None:
        """Random failures of ``step``'s service (0–1)."""
        self.pipe.shop.configure(step, failure_rate=rate)
        self._note(say("panel.rate", step=step, rate=rate))

    def send_orders(self, n: int = 5) -> list[str]:
        """Accept ``n`` sample orders; returns their ids."""
        start = len(self.order_ids)
        ids = [a.order_id for a in self.pipe.accept_many(self.pipe.shop.sample_orders(n, start=start))
               if a.ok and a.order_id]
        self.order_ids += ids
        self._note(say("panel.sent", n=len(ids)))
        return ids

    def inject_duplicate(self) -> str | None:
        """Send the latest order's message again (a producer retrying)."""
        if not self.order_ids:
            self._note(say("panel.no_order"))
            return None
        oid = self.order_ids[-1]
        self.pipe.send_duplicate(oid)
        self._note(say("panel.duplicate", order_id=oid))
        return oid

    def inject_poison(self) -> str:
        """Put a message that is not an order on the queue."""
        self._poison += 1
        body = POISON_BODY.format(n=self._poison)
        self.pipe.send_raw(body)
        self._note(say("panel.poison", n=self._poison))
        return body

    def redrive(self) -> int:
        """Move every DLQ message back to the orders queue; returns how many."""
        method, moved = self.redrive_fn(self.pipe.queue_url, self.pipe.dlq_url)
        self._note(say("panel.redrove", moved=moved, method=method))
        return moved

    def start_workers(self) -> None:
        """Start the worker pool and the refresher."""
        if self._pool is None or not self._pool.running:
            self._pool = self.pipe.pool(self.workers).start()
            self._note(say("panel.workers_on", n=self.workers))
        if self._refresher is None or not self._refresher.is_alive():
            self._stop.clear()
            self._refresher = threading.Thread(target=self._refresh_loop, name="failure-panel", daemon=True)
            self._refresher.start()

    def stop_workers(self) -> None:
        """Stop the workers and the refresher (idempotent)."""
        self._stop.set()
        if self._pool is not None:
            self._pool.stop()
            self._note(say("panel.workers_off"))
        if self._refresher is not None:
            self._refresher.join(5)
            self._refresher = None

    def close(self) -> None:
        """Stop everything and bring every service back."""
        self.stop_workers()
        for step in DOWNSTREAM:
            self.pipe.shop.service(step).restore()

    # --- what the panel shows --------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Queue depths and the latest orders (status and effect counts), read from SQS and the tables."""
        ids = self.order_ids[-self.rows:]
        effects = self.pipe.shop.store.effects(ids) if ids else {}
        orders = [{"order_id": oid, "status": self.pipe.status(oid) or "?",
                   **{kind: effects[kind].get(oid, 0) for kind in EFFECTS.values()}} for oid in ids]
        down = [s for s in DOWNSTREAM if self.pipe.shop.service(s).is_down]
        return {"depths": self.pipe.depths(), "orders": orders, "down": down}

    def render(self) -> str:
        """The snapshot as HTML."""
        snap = self.snapshot()
        d = snap["depths"]
        head = say("panel.head", queue=d["queue"], dlq=d["dlq"], down=", ".join(snap["down"]) or say("panel.nothing"))
        kinds = list(EFFECTS.values())
        cells = "".join(f"<th style='padding:0 6px'>{k}</th>" for k in [say("panel.order"), say("panel.status"), *kinds])
        body = ""
        for o in snap["orders"]:
            tds = [html.escape(o["order_id"]), o["status"]]
            tds += [f"<span style='color:{'#c44e52' if o[k] > 1 else 'inherit'}'>{o[k]}</span>" for k in kinds]
            body += "<tr>" + "".join(f"<td style='padding:0 6px'>{t}</td>" for t in tds) + "</tr>"
        log = html.escape(" · ".join(self.log[-4:]))
        return f"<div>{head}</div><table><tr>{cells}</tr>{body}</table><div style='color:#666'>{log}</div>"

    def refresh(self) -> None:
        """Redraw the status area now."""
        if self._status is not None:
            self._status.value = self.render()

    def _refresh_loop(self) -> None:
        while not self._stop.wait(self.refresh_s):
            try:
                self.refresh()
            except Exception as exc:  # a hiccup must not kill the panel; show it and go on
                self._note(say("panel.refresh_failed", error=type(exc).__name__))

    def _note(self, text: str) -> None:
        self.log.append(text)

    # --- the widgets ---------------------------------------------------------------------------
    def widget(self) -> Any:
        """The ipywidgets panel (built once)."""
        if self._widget is not None:
            return self._widget
        import ipywidgets as w

        toggles = []
        for step in DOWNSTREAM:
            t = w.ToggleButton(value=False, description=say("panel.toggle_up", step=step),
                               layout=w.Layout(width="130px"), tooltip=say("panel.toggle_tip", step=step))

            def on_toggle(change: dict[str, Any], step: str = step, t: Any = t) -> None:
                self.set_down(step, bool(change["new"]))
                t.description = say("panel.toggle_down" if change["new"] else "panel.toggle_up", step=step)
                t.button_style = "danger" if change["new"] else ""
                self.refresh()

            t.observe(on_toggle, names="value")
            toggles.append(t)
        step_pick = w.Dropdown(options=list(DOWNSTREAM), value="email", description=say("panel.service"),
                               layout=w.Layout(width="200px"))
        rate = w.FloatSlider(value=0.0, min=0.0, max=0.9, step=0.05, description=say("panel.failure_rate"),
                             readout_format=".0%", continuous_update=False)
        rate.observe(lambda ch: self.set_failure_rate(step_pick.value, float(ch["new"])), names="value")
        step_pick.observe(lambda ch: setattr(rate, "value", self.pipe.shop.service(ch["new"]).failure_rate),
                          names="value")

        def button(label: str, action: Any, style: str = "") -> Any:
            b = w.Button(description=label, button_style=style, layout=w.Layout(width="150px"))

            def clicked(_b: Any) -> None:
                action()
                self.refresh()

            b.on_click(clicked)
            self._buttons[label] = b
            return b

        running = w.ToggleButton(value=False, description=say("panel.workers_button_off"), layout=w.Layout(width="150px"))

        def on_running(change: dict[str, Any]) -> None:
            if change["new"]:
                self.start_workers()
            else:
                self.stop_workers()
            running.description = say("panel.workers_button_on" if change["new"] else "panel.workers_button_off")
            running.button_style = "success" if change["new"] else ""
            self.refresh()

        running.observe(on_running, names="value")
        self._status = w.HTML(value=self.render())
        self._widget = w.VBox([
            w.HBox(toggles),
            w.HBox([step_pick, rate]),
            w.HBox([button(say("panel.send_button", n=5), lambda: self.send_orders(5), "primary"),
                    button(say("panel.duplicate_button"), self.inject_duplicate),
                    button(say("panel.poison_button"), self.inject_poison, "warning"),
                    button(say("panel.redrive_button"), self.redrive), running]),
            self._status,
        ])
        return self._widget
