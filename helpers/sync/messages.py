"""The sentences of 01_sync_order and 02_sync_bottlenecks, by key (merged by :mod:`helpers.core.messages`).

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
        "ex.02.availability.hint": (
            "An order succeeds only if inventory AND payment AND shipping AND email AND points all succeed. "
            "For independent events, AND means multiply: (1 − 0.01) × (1 − 0.03) × …"
        ),
        "ex.02.availability.solution": (
            "import math\n"
            "my_answer = math.prod(1 - r for r in {'inventory': 0.01, 'payment': 0.03, 'shipping': 0.02, "
            "'email': 0.05, 'points': 0.01}.values())   # 0.885: worse than the weakest step (0.95)"
        ),
        "ex.02.availability.not_number": "give the share of orders that succeed as a number between 0 and 1; got {got!r}.",
        "ex.02.availability.percent": "{got} looks like a percentage; give a share between 0 and 1 (e.g. 0.9 for 90 %).",
        "ex.02.availability.ok": (
            "{want:.3f}: the chain is less available than its weakest step ({weakest:.2f}), because every "
            "step must succeed."
        ),
        "ex.02.availability.weakest": (
            "{got:.3f} is the weakest step alone. The other steps can fail too, and any of them fails the "
            "order: multiply all the availabilities."
        ),
        "ex.02.availability.sum": (
            "{got:.3f} subtracts the summed failure rates: close for tiny rates, but not exact. Multiply "
            "the availabilities (1 − rate) instead."
        ),
        "ex.02.availability.average": (
            "{got:.3f} is the average step's availability; an order needs every step, so multiply them."
        ),
        "ex.02.availability.failure": (
            "{got:.3f} is the share of orders that FAIL; the question asks for the share that succeed."
        ),
        "ex.02.availability.product_of_failures": (
            "{got} multiplies the failure rates: that is the chance that ALL steps fail at once. Multiply "
            "the availabilities (1 − rate) instead."
        ),
        "ex.02.availability.off": "{got:.3f} is not it; multiply (1 − rate) over the five steps.",
        "ex.02.littles_law.hint": (
            "Little's law: L = λ × W, so λ = L / W. L is how many orders can be in progress at once "
            "(the concurrency), W how long each one holds its slot (in seconds)."
        ),
        "ex.02.littles_law.solution": "my_answer = 50 / 2.5   # 20 orders per second, whatever the demand",
        "ex.02.littles_law.not_number": "give the throughput as a number of orders per second; got {got!r}.",
        "ex.02.littles_law.ok": (
            "{concurrency} slots each held {seconds:g} s give at most {want:g} orders/s; a faster e-mail "
            "provider would raise it, more demand would not."
        ),
        "ex.02.littles_law.multiplied": "{got:g}: you multiplied; throughput λ = L / W (concurrency divided by seconds per order).",
        "ex.02.littles_law.inverted": "{got:g} is W / L, upside down: λ = L / W = concurrency / seconds per order.",
        "ex.02.littles_law.concurrency": (
            "{got:g} is the concurrency (orders in progress), not orders per second: each order holds a "
            "slot for 2.5 s, so divide."
        ),
        "ex.02.littles_law.milliseconds": "{got:g}: you used milliseconds; use W in seconds to get orders per second.",
        "ex.02.littles_law.off": "{got:g} orders/s is not it; use λ = L / W with L = 50 and W = 2.5 s.",
        "ex.02.deploy.hint": (
            "Every order that reaches the loyalty step while it restarts fails. Orders reach it at the "
            "same rate as they arrive."
        ),
        "ex.02.deploy.solution": "my_answer = 40 * 3.0   # 120 orders fail, though none of them needed points to be paid",
        "ex.02.deploy.not_number": "give a number of orders; got {got!r}.",
        "ex.02.deploy.ok": (
            "about {want:.0f} orders fail — every order that reaches the restarting step. With a queue in "
            "between they would wait instead (notebook 03)."
        ),
        "ex.02.deploy.zero": (
            "in a synchronous chain the order waits for the loyalty service too, so orders fail while it "
            "restarts, even though points are not what the customer is paying for."
        ),
        "ex.02.deploy.seconds": "{got:g} is the length of the window in seconds; how many orders arrive in it?",
        "ex.02.deploy.one_second": "{got:g} orders arrive in one second; the restart lasts longer than that.",
        "ex.02.deploy.divided": "{got:g}: you divided; orders in the window = arrival rate × window length.",
        "ex.02.deploy.off": "{got:g} is not it; orders in the window = {rate} per second × {window:g} s.",
    },
}
