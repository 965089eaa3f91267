"""The sentences of 05_failure_isolation, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "retry.bad_clients": "clients must be a whole number from 1 to 100; got {value!r}.",
        "failure.hold_too_short": (
            "To force a duplicate the first delivery must take longer than the visibility timeout: "
            "hold_s={hold} is not more than {timeout} s. Use a longer hold_s."
        ),
        "failure.bad_max_receive": "maxReceiveCount must be a whole number from 1 to 1000; got {value!r}.",
        "failure.unknown_order": "There is no stored order {order_id!r}: accept it first (accept_order), then duplicate it.",
        "failure.unknown_product": "There is no product {product!r} in the catalog; products: {valid}.",
        "failure.legacy_format": (
            "This message is in the old app's format (version 1: orderId, customer, lines), which this consumer "
            "does not read: it fails until the consumer learns that format (accept_legacy=True)."
        ),
        "failure.no_stock_row": (
            "The stock table has no row for {product!r} (the catalog sells it, the inventory service does not "
            "know it): every reservation fails until its stock is loaded."
        ),
        "failure.dlq_empty": "The dead-letter queue is empty.",
        "failure.redrive_native": "Redriven by StartMessageMoveTask: SQS moved {moved} message(s) back itself.",
        "failure.redrive_fallback": (
            "This backend has no StartMessageMoveTask, so {moved} message(s) were moved back by receive → send → "
            "delete. On AWS, SQS moves them itself."
        ),
        "ex.05.charge_once.solution": (
            "Write the order's idempotency record first, with a condition, and charge only when that write worked. "
            "One gap remains: a worker that dies between the put and the charge leaves an order marked but not "
            "charged. Powertools closes it with an INPROGRESS record that expires with the Lambda's timeout."
        ),
        "ex.05.queue_settings.hint": (
            "Start with the visibility timeout: 6 × 30 s. A failing message then comes back once per visibility "
            "timeout, so its receives are at 0, V, 2V … s. Its last receive before the DLQ, (maxReceiveCount − 1) × V, "
            "must come after the 15-minute outage. A poison message reaches the DLQ after about maxReceiveCount × V, "
            "which must stay within 30 minutes. And maxReceiveCount must be at least 5."
        ),
        "ex.05.queue_settings.solution": (
            "Visibility timeout 180 s (6 × 30 s). With maxReceiveCount 7, the receives are at 0, 180, … 1080 s, so "
            "the last one comes after the 900 s outage; a poison message reaches the DLQ after about 1260 s. "
            "Any count from 6 to 10 works with 180 s; a longer visibility timeout allows fewer."
        ),
        "ex.05.queue_settings.not_dict": (
            "give a dict of attributes such as {{\"VisibilityTimeout\": \"180\", \"RedrivePolicy\": …}}, not a {kind}."
        ),
        "ex.05.queue_settings.missing": "the attributes need {keys} too.",
        "ex.05.queue_settings.not_string": (
            "SQS takes every attribute value as a string: write \"180\", not 180, and json.dumps(...) for the policy."
        ),
        "ex.05.queue_settings.bad_visibility": "VisibilityTimeout is a whole number of seconds as a string; you gave {got!r}.",
        "ex.05.queue_settings.bad_policy": (
            "RedrivePolicy must be JSON with deadLetterTargetArn and maxReceiveCount, made with json.dumps({{...}}); "
            "you gave {got!r}."
        ),
        "ex.05.queue_settings.wrong_dlq": "deadLetterTargetArn must be email_dlq_arn, the e-mail queue's DLQ; you gave {got!r}.",
        "ex.05.queue_settings.not_6x": (
            "a visibility timeout of {got} s is less than 6 × the {timeout} s function timeout ({want} s). A message "
            "could become visible again while the function still works on it, and run twice."
        ),
        "ex.05.queue_settings.too_long": "SQS allows a visibility timeout of at most {most} s (12 hours); you gave {got} s.",
        "ex.05.queue_settings.below_5": (
            "maxReceiveCount {got} is below {least}. With a Lambda consumer, a throttled or interrupted batch also "
            "counts as a receive, so AWS recommends at least {least}."
        ),
        "ex.05.queue_settings.outage": (
            "with maxReceiveCount {got} and {vt} s, the last receive is at {last} s, before the {outage} s outage is "
            "over. The e-mails of the outage would end in the DLQ: allow more receives."
        ),
        "ex.05.queue_settings.poison_slow": (
            "a poison message would reach the DLQ after about {got} × {vt} = {after} s, later than {limit} s: use "
            "fewer receives or a shorter visibility timeout."
        ),
        "ex.05.queue_settings.rejected": "SQS refused these attributes: {error}",
        "ex.05.queue_settings.ok": (
            "the test queue now has a visibility timeout of {vt} s and maxReceiveCount {count}. A failing e-mail is "
            "received until {last} s, after the outage, and a poison message reaches the DLQ after about {poison} s."
        ),
        "failure.strategy.eager": "eager: every 10 ms",
        "failure.strategy.backoff": "exponential backoff",
        "failure.strategy.jitter": "backoff + full jitter",
        "failure.plot.down": "{step} down",
        "failure.plot.before": "before the outage (p50 {p50:.0f} ms)",
        "failure.plot.during": "during (p50 {p50:.0f} ms)",
        "failure.plot.placed_s": "time the order was placed (s)",
        "failure.plot.accept_ms": "acceptance response time (ms)",
        "failure.plot.accept_title": "Acceptance does not notice the outage",
        "failure.plot.queue": "orders queue (waiting + in flight)",
        "failure.plot.dlq": "dead-letter queue",
        "failure.plot.mark.bad": "{n} bad messages sent",
        "failure.plot.mark.dlq": "both in the DLQ",
        "failure.plot.drained": "last good order completed",
        "failure.plot.time_s": "time (s)",
        "failure.plot.messages": "messages",
        "failure.plot.depth_title": "Failed messages come back; bad ones move to the DLQ",
        "failure.plot.bar.sync_done": "sync\ncompleted",
        "failure.plot.bar.sync_charged": "sync\ncharged",
        "failure.plot.bar.async_accepted": "async\naccepted",
        "failure.plot.bar.async_done": "async\ncompleted",
        "failure.plot.orders_during": "orders placed during the outage",
        "failure.plot.bars_title": "Orders placed during the outage",
        "failure.plot.measured": "measured",
        "failure.plot.predicted": "predicted 1 − {p:g}ᵏ",
        "failure.plot.attempts": "attempts allowed (k)",
        "failure.plot.succeeded_pct": "calls that succeeded (%)",
        "failure.plot.transient_title": "{n} calls to a step failing {rate:.0%} of the time",
        "failure.plot.failed_calls": "failed (down or throttled)",
        "failure.plot.ok_calls": "succeeded",
        "failure.plot.capacity": "capacity {n} per window",
        "failure.plot.calls_per": "calls per\n{ms:.0f} ms",
        "failure.plot.storm_row": (
            "{name}: {calls} calls, last client through at {last:.2f} s, peak {peak} calls in one window"
        ),
        "failure.plot.storm_x": (
            "time since {clients} clients failed together (s; the service is down for {down:g} s, shaded)"
        ),
        "failure.plot.deliveries": "deliveries of the message",
        "failure.plot.charges": "charges in the payments table",
        "failure.plot.count": "count",
        "failure.plot.consumer.plain": "plain",
        "failure.plot.consumer.conditional write": "conditional write",
        "failure.plot.duplicates_title": (
            "One order, delivered twice (visibility timeout {vt} s, first delivery took {hold:g} s)"
        ),
        "failure.plot.waiting": "orders queue: waiting",
        "failure.plot.in_flight": "orders queue: in flight",
        "failure.plot.died": "a worker died",
        "failure.plot.since_first_s": "time since the first order (s)",
        "failure.plot.chaos_title": (
            "{orders} orders, {kills} worker deaths, {duplicates} duplicate sends, {slow} slow deliveries, "
            "{poison} poison messages"
        ),
        "failure.plot.completed": "orders completed",
        "failure.plot.accepted": "accepted ({n})",
        "failure.plot.completed_count": "orders completed (count)",
        "failure.plot.completed_title": (
            "{deliveries} deliveries for {orders} orders; {completed} completed (counted in the orders table)"
        ),
        "chaos.bad_orders": "The chaos run takes 1–1000 orders; got {value!r}.",
        "chaos.bad_kill_rate": "kill_rate is a probability per batch, from 0 up to (not including) 1; got {value!r}.",
        "chaos.too_many_duplicates": "duplicates and slow orders must not outnumber the {orders} orders.",
        "chaos.needs_guard": (
            "The chaos run needs idempotent steps: create the pipeline with OrderPipeline.create(..., idempotent=True)."
        ),
        "chaos.mismatch": "The reconciliation found a mismatch: {details}.",
        "chaos.reconciled": (
            "Reconciled from the stores: {accepted} accepted = {completed} completed + {in_dlq} in the DLQ; "
            "every completed order has exactly one effect per service; all {poison} poison messages are in the DLQ."
        ),
        "ex.05.charge_once.hint": (
            "Give each order one idempotency record in guard_table, keyed by the order id, and write it with "
            "ConditionExpression=\"attribute_not_exists(id)\" BEFORE calling charge_card. If the put is refused "
            "(ddb.exceptions.ConditionalCheckFailedException), the order was charged before: return quietly."
        ),
        "ex.05.charge_once.not_function": (
            "give a function my_charge_once(order_id, amount), not a {kind}."
        ),
        "ex.05.charge_once.raised_on_duplicate": (
            "your function raised on the second delivery of {order_id} ({error}). A duplicate must succeed quietly: "
            "if it raises, the record fails, comes back again and again, and ends in the dead-letter queue. "
            "Catch the refused conditional write and return."
        ),
        "ex.05.charge_once.double": (
            "{order_id} was delivered {times} times and charged {n} times: check for the order's idempotency "
            "record with a conditional put (attribute_not_exists) before calling charge_card."
        ),
        "ex.05.charge_once.some_never": (
            "{orders} was never charged: the idempotency record must be keyed by the order id, so one order's "
            "record does not block another order."
        ),
        "ex.05.charge_once.never": "no order was charged at all: call charge_card(order_id, amount) when the put succeeds.",
        "ex.05.charge_once.ok": (
            "{deliveries} deliveries of {orders} orders, each order charged exactly once — duplicates were "
            "recognised and succeeded without charging."
        ),
        "failure.dlq_head": "receives     age  body                                                          why it failed",
        "chaos.check.head": "check",
        "chaos.check.expected": "expected",
        "chaos.check.counted": "counted",
        "chaos.check.balance": "accepted = completed + in DLQ",
        "chaos.check.lost": "orders lost",
        "chaos.check.double": "orders with a double effect",
        "chaos.check.missing": "completed orders missing an effect",
        "chaos.check.poison": "poison messages in the DLQ",
        "chaos.check.other": "other messages in the DLQ",
        "chaos.check.queued": "messages left in the queue",
        "chaos.check.stock": "products whose stock ≠ initial − reserved",
        "chaos.check.line": "{what}: expected {expected}, counted {counted}",
        "chaos.check.examples": "{what}, e.g. {ids}",
        "panel.head": "<b>orders queue</b>: {queue} · <b>DLQ</b>: {dlq} · <b>down</b>: {down}",
        "panel.nothing": "nothing",
        "panel.down": "{step} is down",
        "panel.up": "{step} is back up",
        "panel.rate": "{step} fails {rate:.0%} of its calls",
        "panel.sent": "sent {n} orders",
        "panel.no_order": "send an order first, then duplicate it",
        "panel.duplicate": "sent {order_id} again",
        "panel.poison": "poison message #{n} sent",
        "panel.redrove": "redrove {moved} message(s) ({method})",
        "panel.workers_on": "{n} workers running",
        "panel.workers_off": "workers stopped",
        "panel.refresh_failed": "refreshing failed ({error}); it tries again in a second",
        "panel.toggle_up": "{step} up",
        "panel.toggle_down": "{step} DOWN",
        "panel.toggle_tip": "take the {step} service down, or bring it back",
        "panel.service": "service",
        "panel.failure_rate": "failure rate",
        "panel.workers_button_off": "workers off",
        "panel.workers_button_on": "workers ON",
        "panel.send_button": "send {n} orders",
        "panel.duplicate_button": "inject duplicate",
        "panel.poison_button": "inject poison",
        "panel.redrive_button": "redrive DLQ",
        "panel.order": "order",
        "panel.status": "status",
    },
}
