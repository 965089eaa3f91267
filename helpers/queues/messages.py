"""The sentences of 03_queues, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "async.bad_burst": "burst must be a whole number of orders from 1 to 500; you gave {value!r}.",
        "async.retry_later": (
            "Order {order_id} failed at a step, and this shop retries: the record fails, so the message "
            "comes back after the visibility timeout."
        ),
        "queues.fifo.resend_kept": (
            "AWS drops a repeated FIFO message for 5 minutes after the first send, even after the delete. "
            "moto only checks the messages still in the queue, so here the send after the delete was kept."
        ),
        "queues.fifo.resend_dropped": (
            "The same order sent again after the delete was dropped, as on AWS (5 minutes of deduplication)."
        ),
        "queues.fifo.standard_order": (
            "On AWS a standard queue keeps the order only on a best-effort basis (moto hands messages out in "
            "the order they were sent). A retry breaks the order on both."
        ),
        # figures (helpers/queues/plots.py)
        "queues.fig.p50": "{label} (p50 {ms:.0f} ms)",
        "queues.fig.sync_response": "sync: response",
        "queues.fig.async_response": "async: response (accepted)",
        "queues.fig.async_done": "async: until the order is done",
        "queues.fig.time_per_order": "time per order (ms, measured, log scale; speed ×{speed:g})",
        "queues.fig.orders_at_or_below": "orders at or below (%)",
        "queues.fig.each_way": "{n} orders each way: what the client waits for",
        "queues.fig.bar_sync": "sync\nresponse",
        "queues.fig.bar_async": "async\nresponse",
        "queues.fig.bar_done": "async\nuntil done",
        "queues.fig.median_per_order": "median time per order (ms)",
        "queues.fig.sooner": "Answer {ratio:.0f}× sooner; the work still takes its time",
        "queues.fig.worker": "worker {name}",
        "queues.fig.delivery_time": "time a delivery was processed (s since start)",
        "queues.fig.message": "message",
        "queues.fig.alo_title": (
            "visibility timeout {vt} s, work {work:g} s:\n{deliveries} deliveries of {n} messages"
        ),
        "queues.fig.short_polling": "short polling\n(WaitTimeSeconds 0)",
        "queues.fig.long_polling": "long polling\n(WaitTimeSeconds {wait})",
        "queues.fig.empty_receives": "empty receives (count, log scale)",
        "queues.fig.same_period": "Same {s:.1f} s, same {n} messages",
        "queues.fig.receives_per_s": "ReceiveMessage calls per second (log)",
        "queues.fig.billed": "Each call is a billed request on AWS",
        "queues.fig.one_by_one": "one by one",
        "queues.fig.in_batches": "batches of 10",
        "queues.fig.calls_label": "{mode}: {n} calls",
        "queues.fig.op_send": "send",
        "queues.fig.op_receive": "receive",
        "queues.fig.op_delete": "delete",
        "queues.fig.api_calls": "API calls (count)",
        "queues.fig.batch_title": "{n} orders sent, received and deleted: {ratio:.0f}× fewer calls in batches",
        "queues.fig.customer": "customer",
        "queues.fig.standard_queue": "standard queue",
        "queues.fig.fifo_queue": "FIFO queue",
        "queues.fig.copies": "same order sent twice → messages queued: standard {standard}, FIFO {fifo}",
        "queues.fig.n_workers": "{n} worker(s)",
        "queues.fig.since_burst": "time since the burst started (s)",
        "queues.fig.in_queue": "orders in the queue (waiting + in flight)",
        "queues.fig.burst_depth": "Burst of {n} orders: queue depth",
        "queues.fig.sent_at": "time the order was sent (s since the burst started)",
        "queues.fig.accept_ms": "acceptance response time (ms)",
        "queues.fig.accept_fast": "The API stays fast while the queue fills",
        "queues.fig.workers": "workers",
        "queues.fig.until_done": "time until every order is done (s)",
        "queues.fig.drain_sooner": "More workers empty it sooner",
        "queues.fig.drain": "Time to empty the queue",
        "queues.fig.sale_visible": "visible messages (count)",
        "queues.fig.sale_visible_title": "Waiting for a worker",
        "queues.fig.sale_in_flight": "messages in flight (count)",
        "queues.fig.sale_in_flight_title": "Being worked on",
        "queues.fig.sale_minutes": "minutes since the sale started",
        "queues.fig.sale_title": "The orders queue and the accept API during a sale",
        "queues.fig.sale_api_ms": "accept response time (ms, median)",
        "queues.fig.sale_api_title": "The accept API",
        # exercises (helpers/queues/exercises.py)
        "ex.03.visibility.hint": (
            "A message must stay hidden while a worker may still work on it. With Lambda, AWS asks for "
            "more: at least six times the function timeout, so that a batch retried after throttling is "
            "not handed out twice. The maximum is 12 hours."
        ),
        "ex.03.visibility.solution": (
            "Six times the 30 s function timeout is 180 s. Any whole number from 180 to 43200 is right."
        ),
        "ex.03.visibility.not_number": "Give the visibility timeout as a number of seconds (e.g. 60); got {got!r}.",
        "ex.03.visibility.not_whole": "SQS takes whole seconds for the visibility timeout; got {got!r}.",
        "ex.03.visibility.too_short": (
            "{got} s is not longer than the function's {timeout} s timeout: a message still being worked on "
            "would become visible again and be processed twice (the optional slow-worker part of section 4 showed exactly that)."
        ),
        "ex.03.visibility.not_6x": (
            "{got} s is longer than one call, but AWS recommends at least six times the function timeout "
            "for a Lambda consumer ({want} s), so retries after throttling do not deliver twice."
        ),
        "ex.03.visibility.too_long": "{got} s is more than SQS allows: the maximum visibility timeout is 43200 s (12 hours).",
        "ex.03.visibility.ok": (
            "{got} s hides a message well beyond the {timeout} s a worker may take, with room for "
            "Lambda's retries. A crashed worker's message still comes back, only later."
        ),
        "ex.03.backlog.hint": (
            "Look at the middle chart (in flight): the messages in flight stay at the workers' limit the whole "
            "time. Then look at the right chart: is the API the slow part?"
        ),
        "ex.03.backlog.solution": (
            "The API answers fast and the workers are always busy at their limit, so orders arrive faster "
            "than the workers finish them. More workers at once (a higher maximum concurrency) empty the "
            "queue. Check first that the downstream services can take the extra load."
        ),
        "ex.03.backlog.not_a_choice": 'Answer with one letter: "a", "b", "c" or "d"; got {got!r}.',
        "ex.03.backlog.a": (
            "The accept API already answers in about 35 ms and is not the limit. A faster API only puts "
            "orders into the queue sooner."
        ),
        "ex.03.backlog.c": (
            "A shorter visibility timeout does not make the workers faster. If it is shorter than the work, "
            "messages come back while a worker still has them, and orders are processed twice."
        ),
        "ex.03.backlog.d": (
            "A FIFO queue keeps an order within each message group. It adds no workers and allows less "
            "throughput, so the queue would grow at least as fast."
        ),
        "ex.03.backlog.ok": (
            "Right: the workers are busy at their limit while orders keep arriving, so the queue grows. "
            "More workers at once empty it, as long as the downstream services can take the load."
        ),
        "ex.03.record_fn.hint": (
            "Parse the body with json.loads(record.body) and raise (e.g. ValueError) when the quantity is "
            "below 1. Do not catch the exception: Powertools turns it into a batchItemFailures entry, and "
            "only that message comes back."
        ),
        "ex.03.record_fn.solution": (
            "Let json.loads raise for a body that is not JSON, and raise yourself for a quantity below 1. "
            "Powertools reports each raised record in batchItemFailures."
        ),
        "ex.03.record_fn.not_function": (
            "Give a function that takes one record, def my_record_fn(record): ...; got a {kind}."
        ),
        "ex.03.record_fn.swallowed": (
            "No record was reported as failed, so Lambda would delete them all, including {missed}. "
            "Let the error escape (raise) instead of catching it or returning."
        ),
        "ex.03.record_fn.missed": "These bad messages were not reported as failed: {missed}. Raise for them too.",
        "ex.03.record_fn.too_many": (
            "{n} good message(s) were reported as failed and would be processed again. Raise only for a "
            "body that is not JSON or has a quantity below 1."
        ),
        "ex.03.record_fn.ok": (
            "{n} of {total} records reported as failed: only those come back after the visibility timeout, "
            "and the others are deleted."
        ),
    },
}
