"""The sentences of 01_sync_order and 02_sync_bottlenecks (exercises, harness, figures), by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # 01_sync_order exercises
        "ex.01.no_order": (
            "Your handler returned without accepting an order. Keep its first step: "
            "order, _ = shop.accept_order(payload)."
        ),
        "ex.01.email_later.hint": (
            "Replace the line shop.send_email(order) with "
            "threading.Thread(target=shop.send_email, args=(order,)).start(). Pass the method itself as "
            "target, without calling it, and do not call join()."
        ),
        "ex.01.email_later.solution": (
            "The handler starts the e-mail step in a thread and goes on at once. The customer waits for "
            "five steps, and the e-mail arrives a moment later."
        ),
        "ex.01.email_later.not_function": (
            "Give the function itself, place_order_quick, without calling it; you gave a {kind}."
        ),
        "ex.01.email_later.not_completed": (
            "The order ended {status} at step {step}. Keep every step of place_order, and only change "
            "how the e-mail is sent."
        ),
        "ex.01.email_later.waits": (
            "The customer still waits for the e-mail: the answer took {ms:.0f} ms, and the e-mail alone "
            "takes {email_ms:.0f} ms in this check. Start shop.send_email in a thread, and do not call join()."
        ),
        "ex.01.email_later.missing": (
            "The answer came before these records were written: {kinds}. Only the e-mail may run after "
            "the answer; call the other steps as before."
        ),
        "ex.01.email_later.no_email": (
            "The customer got a fast answer, but no e-mail arrived within {seconds:g} s. Start "
            "shop.send_email(order) in the background instead of removing it."
        ),
        "ex.01.email_later.twice": (
            "The e-mail was sent twice. Start it in a thread, and remove the call that waits for it."
        ),
        "ex.01.email_later.ok": (
            "The answer took {ms:.0f} ms and did not wait for the e-mail ({email_ms:.0f} ms in this check). "
            "The e-mail still arrived a moment later."
        ),
        "ex.01.email_optional.hint": (
            "Put only shop.send_email(order) in a try block, and catch ServiceError there. Leave the "
            "other steps outside the try block, so that their failures still fail the order."
        ),
        "ex.01.email_optional.solution": (
            "Only the e-mail step is in a try block. Its failure is caught, so the order completes without "
            "an e-mail. A failure of any other step still fails the order."
        ),
        "ex.01.email_optional.not_function": (
            "Give the function itself, place_order_tolerant, without calling it; you gave a {kind}."
        ),
        "ex.01.email_optional.fails": (
            "With the e-mail service down, the order ended {status} at step {step}. Catch the ServiceError "
            "of the e-mail step, and go on with the next step."
        ),
        "ex.01.email_optional.skipped": (
            "With the e-mail service down, the order completed without these records: {kinds}. After the "
            "e-mail fails, the steps after it must still run."
        ),
        "ex.01.email_optional.no_email": (
            "With the e-mail service up, your handler sent no e-mail. Keep calling shop.send_email(order); "
            "only catch its failure."
        ),
        "ex.01.email_optional.too_broad": (
            "With the payment service down, the order ended {status} instead of FAILED at payment. Catch "
            "failures of the e-mail step only; an order without payment must fail."
        ),
        "ex.01.email_optional.ok": (
            "An e-mail outage no longer fails the order, and a payment outage still does. The handler now "
            "decides which steps the order needs."
        ),
        # 02_sync_bottlenecks exercises
        "ex.02.respond.hint": (
            "Ask two questions for each situation. Is anyone hurt by it today? If not, revisit the "
            "requirement. Must the caller have this step's result before the answer? If yes, the step "
            "stays synchronous: make it faster or give it more capacity. If not, it can run after the answer."
        ),
        "ex.02.respond.solution": (
            "Revisit the requirement when nobody needs it; improve inside the synchronous chain when the "
            "caller needs the step's result before the answer; make a step asynchronous when the caller "
            "does not need its result at once."
        ),
        "ex.02.respond.shape": (
            "give a dict from letter to choice, for example {{'A': 'requirements', 'B': 'async', ...}}; got a {kind}."
        ),
        "ex.02.respond.missing": "give a choice for every situation; still missing: {letters}.",
        "ex.02.respond.unknown": "{letter}: {got!r} is not one of the three ways; choose one of: {valid}.",
        "ex.02.respond.ok": (
            "each situation got the cheapest response that fits it. Asynchronous processing was right only "
            "where the caller does not need the step's result before the answer."
        ),
        "ex.02.respond.a": (
            "{count} of {total} answers are not right yet. The first is A: nobody is hurt by 4 s, so agree that "
            "4 s is fine. New code or a new architecture would cost more than it gives."
        ),
        "ex.02.respond.b": (
            "{count} of {total} answers are not right yet. The first is B: the customer needs the stock answer "
            "before the order is accepted, so the check stays synchronous. Make it fast inside the application, "
            "for example with an index or a cache."
        ),
        "ex.02.respond.c": (
            "{count} of {total} answers are not right yet. The first is C: the customer does not need the e-mail "
            "before the answer. Send it after the order is accepted, through a queue, and an e-mail outage no "
            "longer fails orders."
        ),
        "ex.02.respond.d": (
            "{count} of {total} answers are not right yet. The first is D: the payment must be confirmed before "
            "the answer, so it stays synchronous. Give the payment service more capacity (infrastructure)."
        ),
        "ex.02.respond.e": (
            "{count} of {total} answers are not right yet. The first is E: points may come an hour later, so the "
            "order need not wait for them. With a queue in between, a deploy delays points instead of failing orders."
        ),
        "ex.02.attribute.hint": (
            "Slower answers or fewer orders per second: performance and scalability. A change or deploy that "
            "affects the services around it: operability and maintainability. One service down, and nothing "
            "completes: availability."
        ),
        "ex.02.attribute.solution": (
            "The webinar ties each problem of a synchronous chain to one quality attribute: slow answers and one "
            "service as the limit of all (performance and scalability), a change that affects its neighbours "
            "(operability and maintainability), one service down taking all down (availability)."
        ),
        "ex.02.attribute.shape": (
            "give a dict from letter to attribute, for example {{'A': 'availability', ...}}; got a {kind}."
        ),
        "ex.02.attribute.missing": "give an attribute for every incident; still missing: {letters}.",
        "ex.02.attribute.unknown": "{letter}: {got!r} is not one of the three attributes; choose one of: {valid}.",
        "ex.02.attribute.ok": (
            "each incident is tied to the attribute it hurts. Section 4's three ways to respond can now be "
            "judged by the attribute they improve."
        ),
        "ex.02.attribute.a": (
            "{count} of {total} answers are not right yet. The first is A: slower answers and fewer orders per "
            "second are performance and scalability."
        ),
        "ex.02.attribute.b": (
            "{count} of {total} answers are not right yet. The first is B: a change to one service that needs "
            "the other teams' tests and agreement hurts operability and maintainability."
        ),
        "ex.02.attribute.c": (
            "{count} of {total} answers are not right yet. The first is C: one service is down and no order "
            "completes. That is availability."
        ),
        "ex.02.attribute.d": (
            "{count} of {total} answers are not right yet. The first is D: one service limits how far the "
            "whole shop can grow. That is performance and scalability."
        ),
        # 02_sync_bottlenecks harness (helpers/sync/responses.py)
        "sync.respond.calls": (
            "{ok} of {n} calls returned · p50 {p50:.1f} ms · p95 {p95:.1f} ms · {rate:.0f} calls/s with {clients} clients"
        ),
        "sync.respond.option_sync": "sync, {workers} workers",
        "sync.respond.option_async": "async accept",
        "sync.respond.not_callable": (
            "time_calls needs the function to call with each payload (for example accept_order, without "
            "brackets); got a {kind}."
        ),
        # 01_sync_order figures (helpers/sync/plots.py)
        "sync.fig.speed_note": "speed ×{speed:g}",
        "sync.fig.timeline.empty": "No spans to draw",
        "sync.fig.timeline.x": "time since the order arrived (ms, measured; {note})",
        "sync.fig.timeline.y": "step (service)",
        "sync.fig.timeline.response": "response {ms:.0f} ms",
        "sync.fig.timeline.predicted": "predicted {ms:.0f} ms",
        "sync.fig.timeline.title": "One order, step by step: what the customer waits for",
        "sync.fig.stacked.failed": "{status} at {step}",
        "sync.fig.stacked.order": "order {n}",
        "sync.fig.stacked.x": "time spent in each step, stacked (ms, measured; {note})",
        "sync.fig.stacked.y": "order",
        "sync.fig.stacked.title": "{n} orders: each takes the sum of its steps",
        "sync.fig.responses.percentile": "p{q} = {ms:.0f} ms",
        "sync.fig.responses.predicted": "predicted = {ms:.0f} ms",
        "sync.fig.responses.x": "response time (ms, measured; {note})",
        "sync.fig.responses.y": "orders (count)",
        "sync.fig.responses.title": "Response times of {n} synchronous orders",
        # 02_sync_bottlenecks figures (helpers/sync/plots_02.py)
        "sync.fig.response_y": "response time (ms, measured; speed ×{speed:g})",
        "sync.fig.sweep.x": "{step} median latency in the profile (ms at speed 1)",
        "sync.fig.sweep.model_rate": "model: λ = {clients} clients / W",
        "sync.fig.sweep.measured_rate": "measured (all clients busy)",
        "sync.fig.sweep.rate_y": "throughput (orders/s, measured)",
        "sync.fig.sweep.rate_title": "Throughput of the whole shop",
        "sync.fig.sweep.p50": "p50 measured",
        "sync.fig.sweep.p95": "p95 measured",
        "sync.fig.sweep.mean_w": "mean W measured",
        "sync.fig.sweep.model_w": "model: mean W",
        "sync.fig.sweep.response_title": "Response time of every order",
        "sync.fig.sweep.title": (
            "One slow service ({step}) limits the whole shop: {clients} clients placing orders back to back"
        ),
        "sync.fig.avail.alone": "{step}\nalone",
        "sync.fig.avail.model": "model:\nproduct",
        "sync.fig.avail.measured": "measured\nchain",
        "sync.fig.avail.share_y": "orders or calls that succeed (%)",
        "sync.fig.avail.share_x": "each step alone, the chain's model, and the measurement",
        "sync.fig.avail.share_title": "Success of {n} orders",
        "sync.fig.avail.step_x": "step where the order failed",
        "sync.fig.avail.failed_y": "failed orders (count)",
        "sync.fig.avail.step_title": "Any step's failure fails the whole order",
        "sync.fig.avail.title": "Small failures multiply: the availability of a chain is a product",
        "sync.fig.stream.completed": "completed",
        "sync.fig.stream.failed": "failed",
        "sync.fig.stream.window": "{service} restarting ({mode})",
        "sync.fig.stream.reached": "reached {step}",
        "sync.fig.stream.x": "time since the stream started (ms, measured; speed ×{speed:g})",
        "sync.fig.stream.y": "order (in sending order)",
        "sync.fig.stream.title": "{n} orders, one bar each from sending to answer",
        "sync.fig.stream.title_fail": "A deploy of the {service} service fails every order that reaches it",
        "sync.fig.stream.title_wait": "The same deploy when clients wait: nobody fails, many wait",
        "sync.fig.failed_order.title": "An outage of {step} fails an order whose earlier steps had already run",
        "sync.fig.options.wait_x": "p50 response time (ms, log scale)",
        "sync.fig.options.wait_title": "What a customer waits",
        "sync.fig.options.rate_x": "answers (orders/s, log scale)",
        "sync.fig.options.rate_title": "Orders answered per second",
        "sync.fig.options.outage_x": "orders answered successfully (%)",
        "sync.fig.options.outage_title": "While the e-mail service is down",
        "sync.fig.options.requirement_first": "requirement: {limit:.0f} ms",
        "sync.fig.options.requirement_revisited": "revisited: {limit:.0f} ms",
        "sync.fig.options.y": "way of running the shop",
        "sync.fig.options.title": "The ways to respond, measured on the same sale day (speed ×{speed:g})",
        "sync.fig.explorer.jitter": "random variation (jitter)",
        "sync.fig.explorer.reset": "back to the profile",
        "sync.fig.explorer.heading": "<b>median latency per step (ms at speed 1)</b>",
        "sync.fig.explorer.status": (
            "<b>predicted</b> Σ medians × speed {service:.0f} ms + overhead {overhead:.0f} ms = {predicted:.0f} ms · "
            "<b>measured</b> {measured:.0f} ms · difference {difference:+.0f} ms"
        ),
        "sync.fig.explorer.jitter_on": " (jitter on)",
        "sync.fig.explorer.title": "Move a slider: the response time moves by the same amount",
    },
}
