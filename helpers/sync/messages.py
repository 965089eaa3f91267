"""The sentences of 01_sync_order and 02_sync_bottlenecks (exercises, harness, figures), by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # 01_sync_order exercises
        "ex.01.predict.hint": (
            "In a synchronous chain each step starts when the one before has answered. Add up the "
            "median_ms of every step in shop.profile, then multiply by speed() to get real ms."
        ),
        "ex.01.predict.solution": (
            "my_answer = sum(p.median_ms for p in shop.profile.values()) * speed()\n"
            "# 765 ms of shop time; at speed 0.2 that is 153 ms of real time"
        ),
        "ex.01.predict.not_number": "give the prediction as a number of milliseconds (e.g. 150.0); got {got!r}.",
        "ex.01.predict.ok": (
            "you predicted {got:.0f} ms; Σ step medians × speed = {want:.0f} ms. Now compare it with "
            "the measured median below."
        ),
        "ex.01.predict.unscaled": (
            "{got:.0f} ms is the profile at real-life speed; the simulation sleeps latency × speed "
            "({speed:g}), so multiply by speed()."
        ),
        "ex.01.predict.divided": "{got:.0f} ms: you divided by the speed factor ({speed:g}); multiply by speed() instead.",
        "ex.01.predict.slowest": (
            "{got:.0f} ms is only the slowest step. The client waits for every step, one after another: "
            "add them all up."
        ),
        "ex.01.predict.average": (
            "{got:.0f} ms is the average step. The client waits for all six steps in a row: add them up "
            "instead of averaging."
        ),
        "ex.01.predict.p95": (
            "{got:.0f} ms adds up the p95 latencies: that would be an order where every step is slow at "
            "once. For a typical order, add up the medians."
        ),
        "ex.01.predict.off": (
            "{got:.0f} ms is too {direction}. Add up median_ms of all six steps in shop.profile and "
            "multiply by speed()."
        ),
        "ex.01.total.hint": (
            "Each span has .duration_ms (and .start / .end in seconds). The steps run one after "
            "another, so the order's time is what they add up to."
        ),
        "ex.01.total.solution": (
            "def response_ms(spans):\n"
            "    return sum(s.duration_ms for s in spans)\n"
            "# or: (spans[-1].end - spans[0].start) * 1000"
        ),
        "ex.01.total.ok": (
            "{want:.0f} ms: the six spans add up to the response time, because each step starts when "
            "the previous one has answered."
        ),
        "ex.01.total.not_function": (
            "the answer must be your function itself (response_ms, without calling it); got a {kind}."
        ),
        "ex.01.total.placeholder": "your function still returns `...`: replace it with the calculation.",
        "ex.01.total.not_number": "your function must return a number of milliseconds; it returned {got!r}.",
        "ex.01.total.seconds": (
            "{got:.3f} looks like seconds: .start and .end are seconds, so multiply by 1000 "
            "(or add up .duration_ms, which is already in ms)."
        ),
        "ex.01.total.slowest": "{got:.0f} ms is the slowest span alone; the order waits for all of them, one after another.",
        "ex.01.total.average": "{got:.0f} ms is the average span; the order waits for all of them: add them up.",
        "ex.01.total.missed_step": "{got:.0f} ms misses one step: include every span, from validate to points.",
        "ex.01.total.off": (
            "your function returned {got:.1f} ms for an order whose six steps add up to more; "
            "add up s.duration_ms over every span."
        ),
        "ex.01.speedup.hint": (
            "The step with the largest median saves the most. Twice as fast means it takes half as long: "
            "the order saves half of that step's median, × speed() in real ms."
        ),
        "ex.01.speedup.solution": (
            "best = max(shop.profile.values(), key=lambda p: p.median_ms)   # payment, 350 ms\n"
            "my_answer = (best.step, best.median_ms / 2 * speed())           # ('payment', 35.0) at speed 0.2"
        ),
        "ex.01.speedup.shape": "give a pair (step name, milliseconds saved), e.g. ('inventory', 6.0); got {got!r}.",
        "ex.01.speedup.unknown": "{got!r} is not a step; choose one of: {valid}.",
        "ex.01.speedup.not_biggest": (
            "making {got} (median {got_ms:.0f} ms) twice as fast saves less than {best} "
            "(median {best_ms:.0f} ms): speed up the step that takes longest."
        ),
        "ex.01.speedup.not_number": "the second value must be the milliseconds saved, a number; got {got!r}.",
        "ex.01.speedup.ok": (
            "{step} twice as fast saves {want:.0f} ms per order (real ms at this speed) — and every other step still adds up."
        ),
        "ex.01.speedup.whole": (
            "{got:.0f} ms would remove the step entirely; twice as fast still takes half the time, so it saves half."
        ),
        "ex.01.speedup.unscaled": "{got:.0f} ms is shop time; multiply by speed() ({speed:g}) for real ms.",
        "ex.01.speedup.off": "{got:.0f} ms is not what one order saves; it is half the step's median × speed().",
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
