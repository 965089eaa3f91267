"""The sentences of 06_sync_and_async_together, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "api.started": (
            "The order API listens on {url}: each request goes to {handler} as an API Gateway event "
            "(in this kernel, with {workers} worker(s) for queued orders)."
        ),
        "api.bad_handler": "The API needs a Lambda handler, a function handler(event, context); you gave a {kind}.",
        "api.not_running": "The order API is not running: run the cell with start_api(...) first (it stops with api.stop()).",
        "api.cannot_bind": (
            "Could not listen on 127.0.0.1 port {port}: another program uses it; use port=0 to take any free port."
        ),
        "api.bad_workers": "workers must be a whole number from 0 to 32 (0: no worker runs queued orders); you gave {value!r}.",
        "api.bad_n": "n must be a whole number of requests from 1 to 200; you gave {value!r}.",
        "api.bad_interval": "The polling interval must be a number of milliseconds from 1 to 5000; you gave {value!r}.",
        "api.unreachable": (
            "Nothing answered at {url} ({error}): start the API with start_api(...) in the notebook (it runs inside "
            "the kernel, so the kernel must be running too)."
        ),
        "api.bad_json": (
            "The request body is not valid JSON ({detail}): send one JSON object such as "
            "{{\"customer_id\": \"cust-aiko\", \"items\": [{{\"product_id\": \"matcha-100g\", \"quantity\": 1}}]}}."
        ),
        "api.empty": "the body is empty",
        "api.not_found": (
            "There is no {method} {path} here: use POST /sync/orders, POST /async/orders, POST /hybrid/orders "
            "or GET /orders/<order id>."
        ),
        "api.unknown_order": (
            "There is no order {order_id!r}: use the order id (or the Location header) from the answer to your POST."
        ),
        "api.method_not_allowed": "{method} is not allowed on {path}: use {allowed}.",
        "api.too_large": (
            "The request body is {size} bytes; this API accepts at most {limit} bytes: send the order alone "
            "(keep large data such as images elsewhere and send a reference)."
        ),
        "api.internal": "The API failed unexpectedly ({error}); nothing was confirmed — try again, and report it if it repeats.",
        "api.told.sync_completed": (
            "Order {order_id} is complete: items reserved, payment taken, shipment booked, confirmation e-mail sent."
        ),
        "api.told.async_accepted": (
            "We received order {order_id}. Payment and shipping are being processed; follow its status at {status_url} "
            "— we will also e-mail you the outcome."
        ),
        "api.told.hybrid_confirmed": (
            "Order {order_id} is confirmed: the items are reserved and your payment is authorised; the shipment "
            "and the confirmation e-mail follow."
        ),
        "api.told.failed": "Order {order_id} was not completed: the {step} step failed. Please try again in a moment.",
        "hybrid.why.validate": (
            "A malformed order must be refused while the customer is still there to fix it; it is also quick and never fails at random."
        ),
        "hybrid.why.inventory": (
            "Selling what is not in stock means a cancellation e-mail and a refund later: the customer should hear 'sold out' now."
        ),
        "hybrid.why.payment": (
            "A declined card must be told at the checkout, where the customer can use another one; an order is not "
            "confirmed until it is paid. The slowest step, but the caller needs its answer."
        ),
        "hybrid.why.shipping": (
            "Booking the carrier a few seconds later changes nothing the customer sees now; the carrier API can be "
            "slow or down without failing the order."
        ),
        "hybrid.why.email": (
            "The e-mail is itself asynchronous (nobody waits at the checkout for it), and it is the least reliable "
            "dependency: it should never fail an order."
        ),
        "hybrid.why.points": "Loyalty points appearing a few seconds later harm no one.",
        "hybrid.knows.sync": "everything: paid, shipment booked, e-mail sent — or that the order failed at some step",
        "hybrid.knows.hybrid": "the order is confirmed and paid (or why not); shipping and e-mail follow",
        "hybrid.knows.async": "only that the order was received; payment may still fail later (told by status or e-mail)",
        "checklist.ordering.title": "Ordering",
        "checklist.ordering.ask": (
            "Does the consumer depend on the order messages arrive in? A standard queue does not keep it (a retry "
            "comes back after later messages): use a FIFO queue with one message group per order or customer, or "
            "make late events harmless with sequence numbers and conditional writes."
        ),
        "checklist.ordering.where": "03 (FIFO queues); here: 7a, a late event",
        "checklist.duplicates.title": "Duplicates and idempotency",
        "checklist.duplicates.ask": (
            "What happens if the same message is processed twice? Delivery is at least once: make every effect "
            "idempotent (an idempotency key and a conditional write, or Powertools' idempotency utility)."
        ),
        "checklist.duplicates.where": "03 (duplicates), 05 (idempotency); here: 7b",
        "checklist.retries_dlq.title": "Retries and the dead-letter queue",
        "checklist.retries_dlq.ask": (
            "Which errors are worth retrying, how often and with what backoff, and where does a message go that never "
            "succeeds? A DLQ with a maxReceiveCount, an alarm on it, and a redrive once the cause is fixed."
        ),
        "checklist.retries_dlq.where": "05 (retries, DLQ, redrive); here: 7c",
        "checklist.visibility.title": "Visibility timeout vs processing time",
        "checklist.visibility.ask": (
            "Is the visibility timeout longer than the longest processing? For a Lambda consumer: at least 6 × the "
            "function timeout; below 1 ×, Lambda refuses the trigger."
        ),
        "checklist.visibility.where": "03 (visibility timeout); here: 7d",
        "checklist.message_size.title": "Message size",
        "checklist.message_size.ask": (
            "Can a message outgrow the limit (SNS 256 KiB, SQS 1 MiB)? Store large data elsewhere and send a reference "
            "to it (the claim-check pattern)."
        ),
        "checklist.message_size.where": "04 (an oversized event); here: 7e, the services' own limits",
        "checklist.monitoring.title": "Monitoring",
        "checklist.monitoring.ask": (
            "Will you notice when messages pile up or wait too long? Alarm on the age of the oldest message, the "
            "backlog and the dead-letter queue."
        ),
        "checklist.monitoring.where": "03 (queue depth); here: 7f, the age of the oldest message",
        "checklist.not_async.title": "When not to go async",
        "checklist.not_async.ask": (
            "Does the caller need the result to go on? Then keep it synchronous: async would add a queue, a status to "
            "poll and eventual consistency, for nothing."
        ),
        "checklist.not_async.where": "here: sections 2, 6 and 8",
        "checklist.visibility.over_max": "A visibility timeout of {vis:g} s is over SQS's maximum of 12 hours (43,200 s).",
        "checklist.visibility.refused": (
            "Lambda refuses this trigger: CreateEventSourceMapping fails when the function timeout ({fn:g} s) is "
            "longer than the queue's visibility timeout ({vis:g} s). Use at least {want:g} s."
        ),
        "checklist.visibility.short": (
            "{vis:g} s covers one run of a {fn:g} s function but not Lambda's retries after throttling; AWS recommends "
            "at least 6 × the function timeout: {want:g} s."
        ),
        "checklist.visibility.ok": (
            "{vis:g} s ≥ 6 × {fn:g} s: a message is not handed to a second consumer while the first may still work on it."
        ),
        "checklist.bad_delivery": (
            "delivered must list each event's sequence number once, in any order ({valid}); you gave {delivered}."
        ),
        "checklist.bad_receive_count": (
            "max_receive_count must be a whole number from 1 to 10 for this demo (SQS allows 1–1000); you gave {value!r}."
        ),
        "checklist.bad_seconds": "{what} must be a positive number (seconds or a count); you gave {value!r}.",
        "checklist.bad_kib": (
            "kib must be a whole number from 257 (just over SNS's 256 KiB) to 390 (the payload must fit in one "
            "DynamoDB item); you gave {value!r}."
        ),
        "checklist.bad_monitoring": (
            "Choose 0 < stuck_s ≤ 5, stuck_s < produce_s ≤ 10 and 1–100 messages a second; you gave "
            "stuck_s={stuck_s}, produce_s={produce_s}, rate_per_s={rate}."
        ),
        "checklist.alarm.age": (
            "Messages in {queue} have waited more than {threshold:g} s: the consumer is stuck, failing or too slow."
        ),
        "checklist.alarm.backlog": "More than {threshold:g} messages wait in {queue}: more arrives than is processed.",
        "checklist.alarm.dlq": (
            "A message reached the dead-letter queue {queue}: something failed for good; inspect it and redrive it once fixed."
        ),
        "ex.06.wait_for.hint": (
            "For each step ask: does what we tell the customer right now depend on its answer? The price they pay "
            "and whether the order may go ahead do. Documents, warehouses and analytics can follow."
        ),
        "ex.06.wait_for.solution": (
            "The caller waits for the coupon and the fraud check: they change the answer at the checkout. "
            "The invoice, the pick list and the recommendations can go to a queue."
        ),
        "ex.06.wait_for.not_steps": (
            "give the steps the caller waits for as a set of names, e.g. {{'coupon'}}; you gave a {kind}."
        ),
        "ex.06.wait_for.unknown": "{unknown} is not a step of this flow; the steps are: {valid}.",
        "ex.06.wait_for.all_sync": (
            "if the caller waits for every step, this is the synchronous API again: the customer waits for the "
            "invoice PDF and the recommendations too. Which of these does the customer not need before the answer?"
        ),
        "ex.06.wait_for.all_async": (
            "if the caller waits for nothing, the customer is told 'received' before we know the price (coupon) or "
            "whether the order may go ahead (fraud check). Which answers are needed at the checkout?"
        ),
        "ex.06.wait_for.must_wait": "{n} step(s) are in the wrong place; for example, the caller must wait for {step}: {why}",
        "ex.06.wait_for.need_not_wait": (
            "{n} step(s) are in the wrong place; for example, the caller need not wait for {step}: {why}"
        ),
        "ex.06.wait_for.why.coupon": (
            "the total the customer pays depends on the coupon, and an invalid code must be told while they can fix it."
        ),
        "ex.06.wait_for.why.fraud_check": (
            "it decides whether the card may be charged at all. A refused order must be told at the checkout, not by "
            "e-mail after the customer thinks it is confirmed."
        ),
        "ex.06.wait_for.why.invoice_pdf": "nobody waits 2 s at the checkout for a PDF; it can be e-mailed when ready.",
        "ex.06.wait_for.why.warehouse_pick": (
            "the warehouse picks from a list later; the customer only needs to know the order is confirmed."
        ),
        "ex.06.wait_for.why.recommendations": "analytics can run seconds or minutes later without anyone noticing.",
        "ex.06.wait_for.ok": (
            "the caller waits for {steps}: they change what we must tell the customer now. The rest goes to a queue."
        ),
        "ex.06.find_bug.hint": (
            "Read each consumer as if its message arrived twice, arrived late, failed, or took longer than the "
            "visibility timeout. Item names: ordering, duplicates, retries_dlq, visibility, message_size, monitoring, "
            "not_async."
        ),
        "ex.06.find_bug.solution": (
            "A swallows its errors, so nothing is retried. B's trigger is refused: its visibility timeout is shorter "
            "than the function timeout. C trusts the order of arrival. D charges again on every delivery."
        ),
        "ex.06.find_bug.not_dict": "give a dict of consumer letter → checklist item, e.g. {{'A': 'ordering', …}}; you gave a {kind}.",
        "ex.06.find_bug.missing": "your dict has no answer for consumer(s) {missing}.",
        "ex.06.find_bug.unknown_item": "{got} is not a checklist item; choose from: {valid}.",
        "ex.06.find_bug.b_symptom": (
            "B would process messages twice, but AWS does not even get that far: which setting makes Lambda refuse "
            "this trigger?"
        ),
        "ex.06.find_bug.a_monitoring": (
            "A would indeed fail silently, but the bug is in the handler: an error it catches never reaches Lambda, "
            "so the message is deleted, never retried and never dead-lettered."
        ),
        "ex.06.find_bug.c_not_duplicates": (
            "C writes the same status twice harmlessly; what breaks it is an *older* event arriving after a newer one."
        ),
        "ex.06.find_bug.d_not_retries": (
            "D lets errors escape correctly; what happens to the customer's card when the same message is delivered twice?"
        ),
        "ex.06.find_bug.wrong": "consumer {consumer} is not about {got}. {hint}",
        "ex.06.find_bug.look.A": "Look at what happens to the message when charge_payment raises.",
        "ex.06.find_bug.look.B": (
            "Compare the function's 120 s timeout with the queue's 30 s visibility timeout: would Lambda accept this trigger?"
        ),
        "ex.06.find_bug.look.C": "What if OrderShipped was retried and arrives after OrderCancelled?",
        "ex.06.find_bug.look.D": "What if the same message is delivered twice (at-least-once)?",
        "ex.06.find_bug.ok": (
            "A swallows errors (retries and DLQ). B cannot even be connected: Lambda refuses a trigger whose queue has a "
            "visibility timeout shorter than the function timeout, and 6 × 120 s = 720 s is the advice. C trusts the "
            "arrival order. D charges on every delivery (idempotency)."
        ),
        "ex.06.status_codes.hint": (
            "2xx: it worked (201: created and done; 202: accepted, not done yet); 4xx: the client must change its "
            "request (400 bad body, 404 no such thing, 405 wrong method)."
        ),
        "ex.06.status_codes.solution": (
            "2xx says it worked: 202 accepted for later, 201 created and done. 4xx says the client must change its "
            "request: 400 bad body, 404 unknown order, 405 wrong method. Try one with "
            "curl -s -o /dev/null -w '%{http_code}' -X DELETE http://127.0.0.1:PORT/async/orders"
        ),
        "ex.06.status_codes.not_dict": "give a dict of situation → status code, e.g. {{'accepted': 202, …}}; you gave a {kind}.",
        "ex.06.status_codes.missing": "your dict has no status code for: {missing}.",
        "ex.06.status_codes.not_int": "{situation}: a status code is a whole number such as 404; you gave {got!r}.",
        "ex.06.status_codes.accepted_not_done": (
            "{got} says the order is done (or created and done); the async endpoint only *accepted* it for later "
            "processing: which 2xx code says exactly that?"
        ),
        "ex.06.status_codes.wrong": "{situation} is not {got}. {hint}",
        "ex.06.status_codes.look.accepted": "The order is stored and queued but not processed yet.",
        "ex.06.status_codes.look.completed": "The order was created and every step ran before the answer.",
        "ex.06.status_codes.look.bad_json": "The client sent something that is not JSON: its request must change.",
        "ex.06.status_codes.look.unknown_order": "The path has the right shape, but no order has that id.",
        "ex.06.status_codes.look.wrong_method": "/async/orders exists, but only for POST (the answer's Allow header says so).",
        "ex.06.status_codes.ok": "202 accepted, 201 created and done, 400 bad body, 404 unknown order, 405 wrong method.",
        "plot06.median": "median {ms:.0f} ms",
        "plot06.predicted": "profile: sum of the medians waited for",
        "plot06.endpoint_tick": "POST {path}\n({n} requests)",
        "plot06.response_axis": "response time seen by the client (ms, log scale; speed ×{speed:g})",
        "plot06.endpoint_axis": "endpoint (measured over HTTP on 127.0.0.1, one request after another)",
        "plot06.endpoints_title": "What the client waits for, per endpoint",
        "plot06.three_designs_title": "Three designs over HTTP: sync, hybrid, async",
        "plot06.steps_seen": "steps done, as seen by polling",
        "plot06.poll_saw": "poll saw {status}",
        "plot06.post_answered": "POST answered {status} ({ms:.0f} ms)",
        "plot06.worker_finished": "worker finished ({ms:.0f} ms)",
        "plot06.sync_answer": "sync answer ({ms:.0f} ms)",
        "plot06.since_post_axis": "time since the POST was sent (ms, measured; speed ×{speed:g})",
        "plot06.steps_axis": "steps completed",
        "plot06.timeline_title": "Order {order_id}: {polls} polls every {interval:.0f} ms via {path}",
        "plot06.stuck": "consumer stuck",
        "plot06.waiting": "waiting (visible), sampled",
        "plot06.waiting_axis": "messages waiting",
        "plot06.monitoring_title": "A stuck consumer: {produced} messages sent, {consumed} processed after it recovered",
        "plot06.age": "age of the oldest message, sampled",
        "plot06.threshold": "alarm threshold ({threshold:g} s here; minutes on AWS)",
        "plot06.age_axis": "oldest message age (s)",
        "plot06.time_axis": "time (s, measured)",
        "checklist.title": "Design checklist for asynchronous processing",
        "checklist.col.item": "item",
        "checklist.col.ask": "ask yourself",
        "checklist.col.where": "shown in",
        "checklist.visibility_title": "Visibility timeout against the function timeout (a Lambda SQS trigger)",
        "checklist.col.function_timeout": "function timeout (s)",
        "checklist.col.visibility_timeout": "visibility timeout (s)",
        "checklist.col.advice": "advice",
        "hybrid.decisions_title": "Which steps stay synchronous (latencies in shop ms at speed 1)",
        "hybrid.col.step": "step",
        "hybrid.col.service": "service",
        "hybrid.col.median": "median (ms)",
        "hybrid.col.p95": "p95 (ms)",
        "hybrid.col.fails": "fails",
        "hybrid.col.needs": "caller needs it?",
        "hybrid.col.mode": "mode",
        "hybrid.col.why": "why",
        "hybrid.design.sync": "sync",
        "hybrid.design.hybrid": "hybrid",
        "hybrid.design.async": "async",
        "hybrid.yes": "yes",
        "hybrid.no": "no",
        "hybrid.predictions_title": "Three designs, predicted from the profile",
        "hybrid.col.design": "design",
        "hybrid.col.waits_for": "the caller waits for",
        "hybrid.col.wait": "typical wait (ms, speed ×{speed:g})",
        "hybrid.col.errors": "error answers per 10,000",
        "hybrid.col.knows": "the customer knows at the answer",
        "api.told_title": "What the customer is told, per design",
        "api.col.situation": "situation",
        "api.col.endpoint": "endpoint",
        "api.col.http": "HTTP",
        "api.col.ms": "answered in (ms)",
        "api.col.told": "what the customer is told",
        "api.col.ended": "how it ended",
        "api.ended_at": "{status} at {step}",
        "api.case.up": "every service up",
        "api.case.down": "the {service} service is down",
        "api.curl.sync_seconds": "sync: seconds until the answer",
        "api.curl.async_seconds": "async: seconds until the answer",
        "api.curl.hybrid_seconds": "hybrid: seconds until the answer",
        "api.curl.async_answer": "async: the answer itself (202, Location)",
        "api.curl.status": "status of an order (paste an order id)",
        "api.curl.five_in_a_row": "five in a row, like the webinar",
        "checklist.col.six_times": "≥ 6×?",
        "checklist.yes": "yes",
        "checklist.no": "no",
        "ex.06.wait_for.and": " and ",
    },
}
