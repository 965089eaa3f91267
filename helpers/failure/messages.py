"""The sentences of 05_failure_isolation, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "retry.bad_retry": "The retry number must be a whole number from 1 (the first retry); got {value!r}.",
        "retry.bad_jitter": "Jitter must be one of {valid}; got {value!r}.",
        "retry.bad_delay": (
            "Backoff delays must be seconds ≥ 0: base {base!r}, cap {cap!r}. Try base_s=0.05, cap_s=1.0."
        ),
        "retry.bad_attempts": "attempts must be a whole number ≥ 1 (1 = no retry); got {value!r}.",
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
        "failure.redrive_native": (
            "Redriven by StartMessageMoveTask (task {task}…): SQS moved {moved} message(s) back itself."
        ),
        "failure.redrive_fallback": (
            "This backend has no StartMessageMoveTask ({code}), so {moved} message(s) were moved back by "
            "receive → send → delete, 10 at a time (on AWS the console's \"Start DLQ redrive\" does it for you)."
        ),
        "failure.redrive_selected": (
            "{moved} chosen message(s) were moved back by receive → send → delete; {left} stay in the DLQ "
            "(a message move task cannot choose: it takes everything)."
        ),
        "failure.redrive_timeout": (
            "The message move task did not finish within {timeout:.0f} s ({moved} of {total} moved): look at the "
            "DLQ in the SQS console and run this cell again."
        ),
        "failure.redrive_failed": "The message move task ended {status}: {reason}. Look at the DLQ in the SQS console.",
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
            "ConditionExpression=\"attribute_not_exists(id)\" BEFORE calling charge. If the put is refused "
            "(ddb.exceptions.ConditionalCheckFailedException), the order was charged before: return quietly."
        ),
        "ex.05.charge_once.solution": (
            "def my_charge_once(order_id, amount):\n"
            "    ddb = client(\"dynamodb\")\n"
            "    try:\n"
            "        ddb.put_item(TableName=guard_table, Item={\"id\": {\"S\": order_id}},\n"
            "                     ConditionExpression=\"attribute_not_exists(id)\")\n"
            "    except ddb.exceptions.ConditionalCheckFailedException:\n"
            "        return  # charged before: a duplicate delivery, nothing to do\n"
            "    charge(order_id, amount)\n"
            "\n"
            "# One gap remains: a worker that dies between the put and the charge leaves an order marked but\n"
            "# not charged. Powertools closes it by writing INPROGRESS first and COMPLETED after (an INPROGRESS\n"
            "# record expires with the Lambda's timeout); StepGuard avoids it by making the charge record itself\n"
            "# the conditional write."
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
            "record with a conditional put (attribute_not_exists) before calling charge."
        ),
        "ex.05.charge_once.some_never": (
            "{orders} was never charged: the idempotency record must be keyed by the order id, so one order's "
            "record does not block another order."
        ),
        "ex.05.charge_once.never": "no order was charged at all: call charge(order_id, amount) when the put succeeds.",
        "ex.05.charge_once.ok": (
            "{deliveries} deliveries of {orders} orders, each order charged exactly once — duplicates were "
            "recognised and succeeded without charging."
        ),
        "ex.05.max_receive.hint": (
            "The worker receives the message every 30 s while the provider is down: at 0, 30, 60 … s. Count the "
            "receives that fail within 300 s; the next receive must still find the message in the queue. SQS moves "
            "it to the DLQ on the receive after the maxReceiveCount-th. Then check the poison limit: a message "
            "that always fails reaches the DLQ after about maxReceiveCount × 30 s."
        ),
        "ex.05.max_receive.solution": (
            "my_max_receive = 11   # receives at 0, 30, …, 270 s fail (10); the 11th, at 300 s, succeeds\n"
            "# Anything from 11 to 20 survives the outage and sends a poison message to the DLQ within 10 minutes\n"
            "# (20 × 30 s = 600 s). Bigger is not safer: a poison message just keeps a worker busy for longer."
        ),
        "ex.05.max_receive.not_whole": "give a whole number of receives, e.g. 5; you gave {got!r}.",
        "ex.05.max_receive.off_by_one": (
            "{got} is one short: the 10 receives at 0 … 270 s fail, and with maxReceiveCount {got} the 11th "
            "receive (at 300 s, when the provider is back) moves the message to the DLQ instead. You need {want}."
        ),
        "ex.05.max_receive.too_small": (
            "with {got}, a message is dead-lettered after about {dlq_after} s of failing — before a 5-minute "
            "outage is over. Every e-mail of the outage would end in the DLQ."
        ),
        "ex.05.max_receive.too_big": (
            "{got} survives the outage, but a poison message would fail for about {poison_s} s before reaching "
            "the DLQ (limit {limit} s): pick the smallest count that survives the outage, with a little margin."
        ),
        "ex.05.max_receive.ok": (
            "maxReceiveCount {got}: a message survives {survive} s of failures, and a poison message reaches the "
            "DLQ after about {poison} s."
        ),
        "ex.05.backoff.hint": (
            "The first attempt is the first call, so before attempt 6 comes retry 5. Full jitter waits a random "
            "time between 0 and min(cap, base × 2^(retry − 1)); the longest wait is that ceiling. In seconds."
        ),
        "ex.05.backoff.solution": (
            "my_longest_wait = min(2.0, 0.1 * 2 ** (5 - 1))   # retry 5 → 1.6 s (the cap, 2 s, is not reached yet)"
        ),
        "ex.05.backoff.not_number": "give a number of seconds, e.g. 0.4; you gave {got!r}.",
        "ex.05.backoff.milliseconds": "{got:g} looks like milliseconds: give the answer in seconds.",
        "ex.05.backoff.one_too_many": (
            "{got:g} s is the ceiling one retry later: before attempt 6 comes retry 5 (the first attempt is not a "
            "retry), so the exponent is 5 − 1 = 4."
        ),
        "ex.05.backoff.one_too_few": "{got:g} s is the ceiling of retry 4: before attempt 6 comes retry 5.",
        "ex.05.backoff.shortest": (
            "0 s is the shortest possible wait (full jitter can pick 0); the question asks for the longest."
        ),
        "ex.05.backoff.off": "{got:g} s is not it: the longest wait is min(cap, base × 2^(retry − 1)) for retry 5.",
        "ex.05.backoff.ok": (
            "before attempt 6 the client waits between 0 and {want:g} s; from retry 6 on, the 2 s cap holds."
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
    },
}
