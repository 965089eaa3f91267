"""Every sentence the helpers show a learner, in one place.

Why one place: a Japanese edition will follow. Checks, hints, errors and status lines are
looked up here by key, so a translator edits one file and no logic. Notebook prose stays in
markdown cells; only sentences produced by code live here.

Use :func:`say` to format a sentence and :class:`WorkshopError` to raise one as an error.
"""

from __future__ import annotations

import os

LANG = os.environ.get("WORKSHOP_LANG", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # --- backend seam -------------------------------------------------------------
        "unknown_backend": (
            "Unknown backend {name!r}: choose one of {valid} "
            "(set WORKSHOP_BACKEND or call use_backend('moto'))."
        ),
        "not_ready": (
            "The backend is not set up yet: run the notebook's first code cell "
            "(use_backend()) before this one."
        ),
        "no_credentials": (
            "WORKSHOP_BACKEND=aws but no AWS credentials were found: run `aws configure` "
            "or `aws sso login`, set AWS_PROFILE, or switch back to moto with WORKSHOP_BACKEND=moto."
        ),
        "endpoint_unreachable": (
            "Cannot reach the endpoint {endpoint}: start LocalStack or `moto_server` there, "
            "fix AWS_ENDPOINT_URL, or unset it to use real AWS."
        ),
        "aws_call_failed": (
            "AWS refused the first call ({code}): check that your credentials are valid and "
            "not expired (`aws sts get-caller-identity`), or switch to moto with WORKSHOP_BACKEND=moto."
        ),
        "endpoint_ignored_in_moto": (
            "AWS_ENDPOINT_URL={endpoint} is ignored in moto mode (everything stays in this process); "
            "use WORKSHOP_BACKEND=aws to talk to that endpoint."
        ),
        "backend_moto": (
            "Backend: moto (AWS in this Python process) · region {region} · account {account} · "
            "no AWS account, no network, no cost."
        ),
        "backend_endpoint": (
            "Backend: aws API at {endpoint} (NOT real AWS: an emulator such as LocalStack or moto server) · "
            "region {region} · account {account} · prefix {prefix}"
        ),
        "backend_aws": (
            "Backend: REAL AWS · account {account} · region {region} · identity {arn} · "
            "resources are named {prefix}-… and cost real (small) money: run 99_cleanup when done."
        ),
        # --- resources ----------------------------------------------------------------
        "bad_prefix": (
            "The resource prefix {prefix!r} is not usable: use 3–20 lower-case letters, digits "
            "or '-', starting with a letter (set WORKSHOP_PREFIX)."
        ),
        "teardown_failed": "Could not delete {kind} {name}: {error}",
        # --- exercises ----------------------------------------------------------------
        "check_ok": "✅ Correct: {detail}",
        "check_wrong": "❌ Not yet: {detail}",
        "check_error": (
            "❌ Your answer raised {error_type}: {error}. Fix it and run the check again "
            "(hint() helps, solution() shows one answer)."
        ),
        "no_answer": "❌ Not yet: replace the `...` with your answer, then run the check again.",
        "hint": "💡 Hint: {text}",
        "solution": "📖 Solution:\n{text}",
        "unknown_exercise": "There is no exercise {name!r}; the exercises here are: {valid}.",
        # --- 00_setup exercises -------------------------------------------------------
        "ex.00.switch.hint": (
            "Real AWS and emulators share one mode; the standard AWS variable for a custom endpoint "
            "is AWS_ENDPOINT_URL. LocalStack listens on port 4566."
        ),
        "ex.00.switch.solution": (
            "my_switch = {'WORKSHOP_BACKEND': 'aws', 'AWS_ENDPOINT_URL': 'http://localhost:4566'}"
        ),
        "ex.00.switch.not_dict": (
            "give a dict of environment variables, e.g. {'WORKSHOP_BACKEND': ..., 'AWS_ENDPOINT_URL': ...}."
        ),
        "ex.00.switch.backend": (
            "WORKSHOP_BACKEND is {got!r}, but LocalStack speaks the AWS API: the mode is 'aws'."
        ),
        "ex.00.switch.endpoint": (
            "AWS_ENDPOINT_URL is {got!r}; LocalStack listens on http://localhost:4566."
        ),
        "ex.00.switch.ok": "'aws' mode with AWS_ENDPOINT_URL sends the very same code to LocalStack.",
        "ex.00.roundtrip.hint": (
            "url = ensure_queue('exercise'); sqs = client('sqs'); then sqs.send_message(...), "
            "sqs.receive_message(...)['Messages'][0], and sqs.delete_message(... ReceiptHandle=...)."
        ),
        "ex.00.roundtrip.solution": (
            "url = ensure_queue('exercise')\n"
            "sqs = client('sqs')\n"
            "sqs.send_message(QueueUrl=url, MessageBody='order-1')\n"
            "msg = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)['Messages'][0]\n"
            "sqs.delete_message(QueueUrl=url, ReceiptHandle=msg['ReceiptHandle'])\n"
            "my_body = msg['Body']"
        ),
        "ex.00.roundtrip.body": "you received {got!r}; send {want!r} and give the body you received.",
        "ex.00.roundtrip.not_deleted": (
            "the message came back, but {n} message(s) are still in the queue: delete what you "
            "received with its ReceiptHandle (a received message is only hidden, not gone)."
        ),
        "ex.00.roundtrip.ok": "sent, received and deleted: that is the whole life of an SQS message.",
        # --- claims (check cells) -----------------------------------------------------
        "claim_ok": "✅ {claim}",
        "claim_failed": "❌ Claim no longer true: {claim}",
        # --- shop: the order domain, 01_sync_order, 02_sync_bottlenecks (owned by the sync-story agent) ---
        "shop.bad_speed": (
            "The speed factor must be a number from 0 to 10 (1 = real-life latencies, 0.2 = five times "
            "faster, 0 = no sleeping); got {value!r}. Fix WORKSHOP_SPEED or call set_speed(0.2)."
        ),
        "shop.invalid.malformed": (
            "Order rejected: the payload is not valid JSON ({detail}). Send a JSON object such as "
            '{{"customer_id": "cust-aiko", "items": [{{"product_id": "matcha-100g", "quantity": 1}}]}}.'
        ),
        "shop.invalid.not_object": (
            "Order rejected: the payload is a {kind}, not a JSON object. Send an object with "
            "customer_id and items."
        ),
        "shop.invalid.no_customer": (
            "Order rejected: customer_id is missing or empty. Say who is ordering, e.g. "
            '"customer_id": "cust-aiko".'
        ),
        "shop.invalid.email": "Order rejected: {email!r} is not an e-mail address; use one like aiko@example.com.",
        "shop.invalid.order_id": (
            "Order rejected: order_id {order_id!r} must be 1–64 letters, digits, '-' or '_' "
            "(or leave it out and the shop makes one)."
        ),
        # single braces: this key has no placeholders, so say() returns it as written
        "shop.invalid.no_items": (
            "Order rejected: an order needs at least one item, e.g. "
            '"items": [{"product_id": "matcha-100g", "quantity": 1}].'
        ),
        "shop.invalid.item_shape": (
            "Order rejected: item {pos} ({item!r}) must be an object with product_id and quantity."
        ),
        "shop.invalid.unknown_product": (
            "Order rejected: there is no product {product!r} in the catalog; use a product_id from "
            "data/catalog.json, e.g. {examples}."
        ),
        "shop.invalid.quantity": (
            "Order rejected: the quantity of {product!r} must be a whole number from 1 to {max}; got {quantity!r}."
        ),
        "shop.invalid.message": (
            "This message body is not an order the shop wrote ({detail}); it cannot be processed — "
            "send bodies made by Order.to_json()."
        ),
        "shop.failure": "{service} failed (a simulated error at step '{step}'): the call returned an error.",
        "shop.unavailable": "{service} is unavailable ({reason}) at step '{step}': nobody answered the call.",
        "shop.out_of_stock": "inventory has too few units of {product!r} left to reserve at step '{step}'.",
        "shop.bad_latency": (
            "The latency of {step} must be a number of milliseconds ≥ 0; got {value!r}."
        ),
        "shop.bad_p95": (
            "The p95 latency of {step} must be a number ≥ its median ({median:.0f} ms); got {value!r}."
        ),
        "shop.bad_failure_rate": (
            "The failure rate of {step} must be a share from 0 to 1 (0.05 = 5 %); got {value!r}."
        ),
        "shop.bad_deploy_mode": (
            "A deploy mode must be 'fail' (calls fail while restarting) or 'wait' (calls wait until "
            "it is back); got {mode!r}."
        ),
        "shop.unknown_step": "There is no step {step!r}; the steps are: {valid}.",
        "shop.unknown_kind": "There are no {kind!r} records; effect records are: {valid}.",
        "shop.bad_clients": "clients must be a whole number ≥ 1 (threads placing orders at once); got {clients!r}.",
        "shop.bad_interval": "interval_ms must be a positive number of milliseconds between orders; got {interval_ms!r}.",
        "shop.result_ok": "✅ {order_id} COMPLETED in {ms:.0f} ms ({steps} steps, one after another).",
        "shop.result_failed": "❌ {status} at step '{step}' after {ms:.0f} ms: {error}",
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
        # --- end of shop block ---
        # --- queues: workers, SQS lab, async shop (03_queues; owned by the queues agent) ---
        "workers.bad_batch_size": (
            "batch_size must be a whole number from 1 to 10 (SQS returns at most 10 messages per "
            "ReceiveMessage); you gave {value!r}."
        ),
        "workers.bad_wait": (
            "wait_time_s must be a whole number of seconds from 0 (short polling) to 20 (the longest "
            "long poll); you gave {value!r}."
        ),
        "workers.bad_on_stop": (
            "on_stop must be 'drain' (finish the batch in hand, then stop) or 'release' (give "
            "unprocessed messages back to the queue now); you gave {value!r}."
        ),
        "workers.bad_pool_size": "A worker pool needs 1 to 32 workers; you asked for {value!r}.",
        "workers.not_a_handler": (
            "The handler must be a function handler(event, context), like a Lambda handler; got {kind}. "
            "Build one from a per-record function with batch_handler(record_fn)."
        ),
        "workers.stuck": (
            "Worker {name} did not stop within {timeout:.0f} s because its handler is still running: "
            "make the handler return sooner, then call stop() again."
        ),
        "workers.no_queue": (
            "The queue {url} does not exist (any more): create it with ensure_queue(...) and start the "
            "workers again."
        ),
        "async.bad_burst": "burst must be a whole number of orders from 1 to 500; you gave {value!r}.",
        "workers.run_once_running": (
            "Worker {name} is already polling in the background: stop() it before calling run_once()."
        ),
        "ex.03.visibility.hint": (
            "A message must stay hidden for as long as a worker may still be working on it, and AWS asks "
            "for more than that with Lambda: at least six times the function timeout, so a batch that is "
            "retried after throttling is not handed out twice. The maximum is 12 hours."
        ),
        "ex.03.visibility.solution": (
            "my_visibility_timeout = 6 * 30  # 180 s: six times the 30 s function timeout "
            "(anything from 180 to 43200 is right)"
        ),
        "ex.03.visibility.not_number": "give the visibility timeout as a number of seconds (e.g. 60); got {got!r}.",
        "ex.03.visibility.not_whole": "SQS takes whole seconds for the visibility timeout; got {got!r}.",
        "ex.03.visibility.too_short": (
            "{got} s is not longer than the function's {timeout} s timeout: a message still being worked on "
            "would become visible again and be processed twice (section 3b showed exactly that)."
        ),
        "ex.03.visibility.not_6x": (
            "{got} s outlasts one invocation, but AWS recommends at least six times the function timeout "
            "for a Lambda consumer ({want} s), so retries after throttling do not deliver twice."
        ),
        "ex.03.visibility.too_long": "{got} s is more than SQS allows: the maximum visibility timeout is 43200 s (12 hours).",
        "ex.03.visibility.ok": (
            "{got} s hides a message well beyond the {timeout} s a worker may take, with room for "
            "Lambda's retries; a crashed worker's message still comes back, just later."
        ),
        "ex.03.record_fn.hint": (
            "Parse the body with json.loads(record.body) and raise (e.g. ValueError) when the quantity is "
            "below 1. Do not catch the exception: Powertools turns it into a batchItemFailures entry, and "
            "only that message comes back."
        ),
        "ex.03.record_fn.solution": (
            "def my_record_fn(record):\n"
            "    order = json.loads(record.body)   # not JSON → raises → this record fails\n"
            "    if order['quantity'] < 1:\n"
            "        raise ValueError(f\"order {order['order_id']}: quantity must be at least 1\")"
        ),
        "ex.03.record_fn.not_function": (
            "give a function that takes one record, def my_record_fn(record): ...; got a {kind}."
        ),
        "ex.03.record_fn.swallowed": (
            "no record was reported as failed, so Lambda would delete them all, including {missed}: "
            "let the error escape (raise) instead of catching it or returning."
        ),
        "ex.03.record_fn.missed": "these bad messages were not reported as failed: {missed}. Raise for them too.",
        "ex.03.record_fn.too_many": (
            "{n} good message(s) were reported as failed and would be processed again: raise only for a "
            "body that is not JSON or has a quantity below 1."
        ),
        "ex.03.record_fn.ok": (
            "{n} of {total} records reported as failed: only those come back after the visibility timeout, "
            "the others are deleted."
        ),
        "ex.03.batch_calls.hint": (
            "Each of the three operations (SendMessageBatch, ReceiveMessage with MaxNumberOfMessages=10, "
            "DeleteMessageBatch) handles up to 10 messages per call."
        ),
        "ex.03.batch_calls.solution": "my_calls = 3 * 250 // 10   # 25 sends + 25 receives + 25 deletes = 75",
        "ex.03.batch_calls.not_number": "give the number of API calls as a whole number; got {got!r}.",
        "ex.03.batch_calls.unbatched": (
            "{got} is one call per message for each operation: that is the cost without batches. "
            "With batches of 10, each call carries 10 messages."
        ),
        "ex.03.batch_calls.one_kind": (
            "{got} covers only one operation; a message is sent, received and deleted: count all three."
        ),
        "ex.03.batch_calls.off": (
            "{got!r} is not it: {orders} orders in batches of 10, for each of send, receive and delete."
        ),
        "ex.03.batch_calls.ok": (
            "{want} calls for {orders} orders instead of {single} one by one: ten times fewer requests to pay for."
        ),
        # --- real AWS, cost, Lambda deploy, cleanup (07_real_aws, 99_cleanup; owned by the real-AWS agent) ---
        "cost.bad_prices": (
            "The price table {path} could not be read ({error}): restore data/prices.json from the "
            "repository (git checkout data/prices.json)."
        ),
        "cost.unknown_item": "There is no price {item!r} in data/prices.json; the priced items are: {valid}.",
        "cost.bad_usage": "Usage {item!r} must be a non-negative number; got {value!r}.",
        "cost.free_calls": "+ {n} calls that cost nothing ({services}).",
        "cost.unpriced": "+ calls with no price in data/prices.json (not included above): {calls}.",
        "cost.basis": (
            "Prices: approximate on-demand list prices for {region} as of {as_of} (data/prices.json, "
            "with the pricing page of each line); free tiers not subtracted — check the pricing pages."
        ),
        "cost.other_region": (
            "Your region is {region}; the table is priced for {priced}. Prices differ a little between regions."
        ),
        "lambda.bad_record_fn": (
            "record_fn must name a function as 'module:function', e.g. 'helpers.real_aws.lambda_deploy:record_arrival'; "
            "got {value!r}."
        ),
        "lambda.timeout_vs_visibility": (
            "The function timeout ({timeout} s) must be between 1 s and the queue's visibility timeout "
            "({visibility} s), or Lambda refuses the trigger: lower timeout_s or create the queue with "
            "ensure_queue(..., visibility_timeout=60)."
        ),
        "lambda.mapping_state": (
            "The event source mapping {uuid} is {state}, not Enabled: look at it in the Lambda console "
            "(Triggers) or run 99_cleanup and deploy again."
        ),
        "real.moto_explains": (
            "Backend: moto. This notebook shows what it would do on a real account and runs the same flows "
            "in this process. To run it on AWS: WORKSHOP_BACKEND=aws (and your credentials), then restart the kernel."
        ),
        "real.endpoint_explains": (
            "Backend: an emulator at {endpoint}, NOT real AWS: the flows run over HTTP like on AWS, but "
            "nothing is billed and Lambda code does not run."
        ),
        "real.real_aws_warning": (
            "REAL AWS: account {account}, region {region}. This run creates the resources listed below "
            "(all named {prefix}-…) and makes up to {calls:,} billed requests (at most about ${usd:.4f} at "
            "list prices; usually free within the free tier). Run 99_cleanup when you are done."
        ),
        "real.lambda_skipped": (
            "DEPLOY_LAMBDA is False: the Lambda section is skipped. Set DEPLOY_LAMBDA = True (real AWS, or "
            "an emulator that runs Lambda code) to deploy the worker as a function."
        ),
        "real.lambda_moto": (
            "Deployed, but this backend does not run Lambda code (moto accepts the calls and stores the "
            "function), so no order is sent and nothing is timed; on real AWS the orders would now be "
            "processed by the function."
        ),
        "cleanup.nothing": (
            "Nothing to clean up for {prefix}: no resource with that prefix exists in account {account}, "
            "region {region}."
        ),
        "cleanup.still_there": (
            "{n} resource(s) of {prefix} are still listed after {waited:.0f} s: {names}. AWS may need a "
            "minute to forget deleted queues; run this cell again."
        ),
        "ex.07.million.hint": (
            "Count requests per order: one SendMessage when the order is accepted; the worker receives and "
            "deletes in batches of 10, so one ReceiveMessage and one DeleteMessageBatch serve 10 orders. "
            "Then requests ÷ 1,000,000 × the price per million (prices.json: sqs.requests)."
        ),
        "ex.07.million.solution": (
            "requests = 1_000_000 * (1 + 2 / 10)      # send each; receive + delete once per batch of 10\n"
            "my_usd = requests / 1_000_000 * 0.40     # $0.40 per million SQS requests\n"
            "# = 1.2 million requests = $0.48 (before the free tier of 1 million requests a month)"
        ),
        "ex.07.million.not_number": "give a number of US dollars, e.g. 0.5; you gave {got!r}.",
        "ex.07.million.only_sends": (
            "${got:.2f} counts only the SendMessage calls: receiving and deleting are SQS requests too "
            "(one of each per batch of 10)."
        ),
        "ex.07.million.no_batches": (
            "${got:.2f} counts a ReceiveMessage and a DeleteMessage for every order; the worker takes them "
            "in batches of 10, so those two calls serve 10 orders."
        ),
        "ex.07.million.requests_not_usd": (
            "{got:g} is the number of requests (per order or in total), not dollars: multiply millions "
            "of requests by the price per million."
        ),
        "ex.07.million.off": "${got:.2f} is not it: requests per order × 1,000,000 orders × price per request.",
        "ex.07.million.ok": (
            "{requests:.1f} million SQS requests ≈ ${usd:.2f} for a million orders — batching keeps the "
            "queue a small line on the bill."
        ),
        # --- end of real-AWS block ---
        # --- pub/sub fan-out (04_pubsub_fanout; owned by the fan-out agent) ---
        "fanout.too_big": (
            "Order rejected (413): its event is {size_kib:.0f} KiB, over SNS's {limit_kib:.0f} KiB limit for a "
            "message and its attributes, so nothing was stored or published; shorten the gift message (or keep "
            "large data elsewhere, e.g. S3, and publish a reference to it)."
        ),
        "fanout.not_event": (
            "This message is not an order event (it starts {start!r}): a subscriber expects SNS's JSON "
            "envelope or, with raw delivery, the event JSON itself; this record fails so it can go to a DLQ."
        ),
        "fanout.bad_shipping": (
            "Order rejected: shipping must be one of {valid}; got {value!r}."
        ),
        "fanout.bad_gift": "Order rejected: gift_message must be text; got a {kind}.",
        "fanout.bad_name": (
            "A subscriber name must be 1–30 lower-case letters, digits or '-' (it becomes the queue name "
            "<prefix>-<name>); got {name!r}."
        ),
        "fanout.bad_scope": (
            "filter_scope must be 'MessageAttributes' (filter on the message attributes) or 'MessageBody' "
            "(filter on the JSON payload); got {scope!r}."
        ),
        "fanout.bad_policy": (
            "A filter policy is a dict such as {{\"shipping_speed\": [\"express\"]}}; got a {kind}."
        ),
        "fanout.unknown_subscriber": "There is no subscriber {name!r}; the subscribers are: {valid}.",
        "fanout.bad_n": "Give a whole number of orders from 1 to 200 (at least 3 or 5 where a run has phases); got {value!r}.",
        "fanout.unsupported_rule": (
            "The filter rule {rule!r} is not one this workshop models: use exact values, "
            "{{\"numeric\": [\">=\", 100]}}, prefix, suffix, anything-but or exists."
        ),
        "fanout.nested_attribute_policy": (
            "The policy nests an object under {attr!r}, but attribute filtering (FilterPolicyScope "
            "MessageAttributes) only takes flat attribute names; nest only with filter_scope='MessageBody'."
        ),
        "fanout.rule_not_list": (
            "In a filter policy every attribute takes a list of allowed values: write {{{attr!r}: [{rule!r}]}}, "
            "not {{{attr!r}: {rule!r}}}."
        ),
        "fanout.route_failed": "The demo order {label} was not accepted ({error}); re-run the notebook from the top.",
        "fanout.nothing_delivered": (
            "No message arrived within {timeout} s: check that the queues' policy lets the topic send to them "
            "(helpers.core.resources.subscribe_queue sets it) and run the cell again."
        ),
        "fanout.policy_not_json": (
            "⚠ That is not JSON ({error}): write the policy with double quotes, e.g. {{\"shipping_speed\": [\"express\"]}}."
        ),
        "fanout.bad_start_worker": "start_worker must be 'after' or 'now'; got {value!r}.",
        # 04 exercises
        "ex.04.predict_routes.hint": (
            "Take one queue at a time and read its filter policy as a question about each row of the table: "
            "express-shipping asks 'shipping = express?', fraud-review 'total ≥ 20,000 yen?' (≥ includes "
            "20,000 itself), gold-gift 'customer tier = gold?' (silver is not gold)."
        ),
        "ex.04.predict_routes.solution": (
            "my_prediction = {\n"
            "    \"express-shipping\": {\"A\", \"C\", \"E\"},   # shipping = express\n"
            "    \"fraud-review\": {\"F\"},                # 26,000 yen; C is 19,200, just under\n"
            "    \"gold-gift\": {\"A\", \"C\"},             # aiko and mei are gold; D and F are silver\n"
            "}"
        ),
        "ex.04.predict_routes.not_dict": (
            "give a dict from queue name to a set of order letters, e.g. {{\"express-shipping\": {{\"A\"}}, …}}; "
            "you gave a {kind}."
        ),
        "ex.04.predict_routes.unfilled": (
            "replace every ... with a set of order letters, e.g. {\"A\", \"C\"} (or set() for none)."
        ),
        "ex.04.predict_routes.missing_queue": "your prediction has no entry for {names}: give a set of letters (or set()) for every queue.",
        "ex.04.predict_routes.not_labels": "for {name!r} give a set of order letters such as {{\"A\", \"C\"}}; you gave {got!r}.",
        "ex.04.predict_routes.unknown_label": "for {name!r} you named {labels}, which is not an order in the table (A–F).",
        "ex.04.predict_routes.extra": (
            "{name!r} will not receive order {label}: {why}, and its filter policy {policy} does not match that."
        ),
        "ex.04.predict_routes.missed": (
            "{name!r} also receives order {label}: {why}, which its filter policy {policy} matches."
        ),
        "ex.04.predict_routes.ok": "all {n} deliveries of the {orders} orders predicted right — now let SNS confirm it below.",
        "ex.04.filter_policy.hint": (
            "Two attribute names, both must match (keys are AND-ed): customer_tier with a list of the allowed "
            "tiers (values in one list are OR-ed), and total_amount with a numeric condition, written "
            "[{\"numeric\": [\">=\", 5000]}] — the number without quotes."
        ),
        "ex.04.filter_policy.solution": (
            "my_policy = {\n"
            "    \"customer_tier\": [\"gold\", \"silver\"],\n"
            "    \"total_amount\": [{\"numeric\": [\">=\", 5000]}],\n"
            "}"
        ),
        "ex.04.filter_policy.not_dict": "give the filter policy as a non-empty dict of attribute name → list of conditions; you gave a {kind}.",
        "ex.04.filter_policy.unknown_attr": (
            "the events have no attribute {attr!r}: an attribute filter can use {valid}."
        ),
        "ex.04.filter_policy.quoted_number": (
            "the amount is quoted: \"5000\" is an exact text value, not a comparison, so it could at most match a "
            "total of exactly 5,000; write [{\"numeric\": [\">=\", 5000]}] with an unquoted number."
        ),
        "ex.04.filter_policy.invalid": "SNS would not accept this policy: {error}",
        "ex.04.filter_policy.lets_through": (
            "your policy lets through an order of {total:,} yen from a {tier} customer ({shipping} shipping), "
            "which the gift-wrap service must not get."
        ),
        "ex.04.filter_policy.drops": (
            "your policy drops an order of {total:,} yen from a {tier} customer ({shipping} shipping), "
            "which the gift-wrap service must get."
        ),
        "ex.04.filter_policy.ok": (
            "only orders of {min:,} yen or more from {tiers} customers reach the gift-wrap queue — on every "
            "combination of tier, amount (including exactly {min:,}) and shipping the checker tried."
        ),
        "ex.04.reviews.hint": (
            "One call: fshop.add_subscriber(\"reviews\", ask_for_review, filter_policy=…) with a numeric "
            "condition on the total_amount attribute (≥ 10000, number unquoted). Nothing about the publisher changes."
        ),
        "ex.04.reviews.solution": (
            "reviews = fshop.add_subscriber(\n"
            "    \"reviews\", ask_for_review,\n"
            "    filter_policy={\"total_amount\": [{\"numeric\": [\">=\", 10000]}]},\n"
            ")\n"
            "# or filter the JSON body: filter_policy={\"order\": {\"total_jpy\": [{\"numeric\": [\">=\", 10000]}]}}, "
            "filter_scope=\"MessageBody\""
        ),
        "ex.04.reviews.not_subscriber": (
            "give what fshop.add_subscriber(…) returns (a Subscriber); you gave a {kind}."
        ),
        "ex.04.reviews.name": "name the subscriber \"reviews\" (its queue becomes <prefix>-reviews); you named it {got!r}.",
        "ex.04.reviews.no_filter": (
            "SNS says this subscription has no filter policy, so every order would get a review request: "
            "add filter_policy=… for orders of 10,000 yen or more."
        ),
        "ex.04.reviews.not_dict": "the filter policy must be a non-empty dict; SNS has a {kind}.",
        "ex.04.reviews.quoted_number": (
            "the amount is quoted: \"10000\" is an exact text value, not a comparison, so it could at most match "
            "a total of exactly 10,000; use [{\"numeric\": [\">=\", 10000]}]."
        ),
        "ex.04.reviews.invalid": "SNS would not treat this policy as intended: {error}",
        "ex.04.reviews.lets_through": (
            "the subscription's filter lets through an order of {total:,} yen ({tier} customer), under the "
            "10,000 yen the review service wants."
        ),
        "ex.04.reviews.drops": (
            "the subscription's filter drops an order of {total:,} yen ({tier} customer), which should get a review request."
        ),
        "ex.04.reviews.mismatch": (
            "of {n} new orders, {want} were 10,000 yen or more but the review service processed {got}: "
            "are its workers running, and does its filter use the total?"
        ),
        "ex.04.reviews.ok": (
            "the reviews service processed exactly the {got} of {n} new orders of {min:,} yen or more — "
            "and the order API's code did not change."
        ),
        # --- end of fan-out block ---
        # --- sync and async together: order API over HTTP, hybrid flow, design checklist (06; owned by the sync+async agent) ---
        "api.started": (
            "The order API listens on {url} (in this kernel, with {workers} worker(s) for queued orders): "
            "POST /sync/orders, POST /async/orders, POST /hybrid/orders, GET /orders/<order id>."
        ),
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
        "api.rejected": "The order was rejected: check the order against the catalog and send it again.",
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
        "checklist.ordering.where": "03 §3c (FIFO vs standard); here: a stale event",
        "checklist.duplicates.title": "Duplicates and idempotency",
        "checklist.duplicates.ask": (
            "What happens if the same message is processed twice? Delivery is at least once: make every effect "
            "idempotent (an idempotency key and a conditional write, or Powertools' idempotency utility)."
        ),
        "checklist.duplicates.where": "03 §3b (duplicates), 05 (idempotency)",
        "checklist.retries_dlq.title": "Retries and the dead-letter queue",
        "checklist.retries_dlq.ask": (
            "Which errors are worth retrying, how often and with what backoff, and where does a message go that never "
            "succeeds? A DLQ with a maxReceiveCount, an alarm on it, and a redrive once the cause is fixed."
        ),
        "checklist.retries_dlq.where": "05 (retries, DLQ, redrive)",
        "checklist.visibility.title": "Visibility timeout vs processing time",
        "checklist.visibility.ask": (
            "Is the visibility timeout longer than the longest processing? For a Lambda consumer: at least 6 × the "
            "function timeout."
        ),
        "checklist.visibility.where": "03 §3a–3b",
        "checklist.message_size.title": "Message size",
        "checklist.message_size.ask": (
            "Can a message outgrow the limit (SNS 256 KiB, SQS 1 MiB)? Store large data elsewhere and send a reference "
            "to it (the claim-check pattern)."
        ),
        "checklist.message_size.where": "04 (an oversized event); here: the services' own limits",
        "checklist.monitoring.title": "Monitoring",
        "checklist.monitoring.ask": (
            "Will you notice when messages pile up or wait too long? Alarm on the age of the oldest message, the "
            "backlog and the dead-letter queue."
        ),
        "checklist.monitoring.where": "03 §4 (queue depth); here: the age of the oldest message",
        "checklist.not_async.title": "When not to go async",
        "checklist.not_async.ask": (
            "Does the caller need the result to go on? Then keep it synchronous: async would add a queue, a status to "
            "poll and eventual consistency, for nothing."
        ),
        "checklist.not_async.where": "here, sections 2 and 3",
        "checklist.not_async.needs_result.when": "the caller needs the result to go on",
        "checklist.not_async.needs_result.why": (
            "the caller would poll until the work is done: it waits as long as before, plus the queue and the polling"
        ),
        "checklist.not_async.needs_result.example": "payment authorisation at the checkout (section 3 measures the wait)",
        "checklist.not_async.reads.when": "the request only reads",
        "checklist.not_async.reads.why": "a read changes nothing worth deferring; going through a queue only adds delay",
        "checklist.not_async.reads.example": "GET /orders/<id> itself",
        "checklist.not_async.fast_and_reliable.when": "the work is fast and rarely fails",
        "checklist.not_async.fast_and_reliable.why": (
            "the queue's own round trips cost about as much as the work, and there is nothing slow or fragile to isolate"
        ),
        "checklist.not_async.fast_and_reliable.example": "validate (15 ms, never fails at random)",
        "checklist.not_async.strict_consistency.when": "the next request must see the result at once",
        "checklist.not_async.strict_consistency.why": (
            "an asynchronous update becomes visible later (eventual consistency): a read right after may not see it"
        ),
        "checklist.not_async.strict_consistency.example": "stock reservation: the next customer must not buy the last item",
        "checklist.not_async.small_scale.when": "the load is small and steady and the chain short",
        "checklist.not_async.small_scale.why": (
            "a queue, workers, a DLQ, alarms and a status API are more parts to run and debug; adopt them when latency, "
            "spikes or failures call for it"
        ),
        "checklist.not_async.small_scale.example": "an internal admin tool used by three people",
        "checklist.visibility.over_max": "A visibility timeout of {vis:g} s is over SQS's maximum of 12 hours (43,200 s).",
        "checklist.visibility.duplicates": (
            "{vis:g} s is not longer than the function's {fn:g} s timeout: a message still being processed becomes "
            "visible again and is processed twice; use at least {want:g} s."
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
        "ex.06.classify.hint": (
            "For each step ask: does what we tell the customer *right now* depend on its answer? The price they pay "
            "and whether the order may go ahead do; documents, warehouses and analytics can follow."
        ),
        "ex.06.classify.solution": (
            "my_classification = {\n"
            "    'coupon': 'sync',           # the total depends on it; a bad code is told at the checkout\n"
            "    'fraud_check': 'sync',      # decides before the card is charged whether the order may go ahead\n"
            "    'invoice_pdf': 'async',     # 2 s nobody waits for; e-mailed when ready\n"
            "    'warehouse_pick': 'async',  # the warehouse works from a queue anyway\n"
            "    'recommendations': 'async', # analytics: later is fine\n"
            "}"
        ),
        "ex.06.classify.not_dict": (
            "give a dict of step → 'sync' or 'async', e.g. {{'coupon': 'sync', …}}; you gave a {kind}."
        ),
        "ex.06.classify.missing": "your dict has no answer for: {missing}.",
        "ex.06.classify.bad_value": "every value must be 'sync' or 'async'; these are neither: {bad}.",
        "ex.06.classify.all_sync": (
            "everything synchronous is the synchronous API again: the customer waits for the invoice PDF and the "
            "recommendations too. Which of these does the customer not need before the answer?"
        ),
        "ex.06.classify.all_async": (
            "if everything is asynchronous, the customer is told 'received' before we know the price (coupon) or "
            "whether the order may go ahead (fraud check). Which answers are needed at the checkout?"
        ),
        "ex.06.classify.wrong": "{n} step(s) are in the wrong place; for example {step} is not {mode}: {why}",
        "ex.06.classify.why.coupon": (
            "the total the customer pays depends on the coupon, and an invalid code must be told while they can fix it."
        ),
        "ex.06.classify.why.fraud_check": (
            "it decides whether the card may be charged at all; a refused order must be told at the checkout, not by "
            "e-mail after the customer thinks it is confirmed."
        ),
        "ex.06.classify.why.invoice_pdf": "nobody waits 2 s at the checkout for a PDF; it can be e-mailed when ready.",
        "ex.06.classify.why.warehouse_pick": (
            "the warehouse picks from a list later; the customer only needs to know the order is confirmed."
        ),
        "ex.06.classify.why.recommendations": "analytics can run seconds or minutes later without anyone noticing.",
        "ex.06.classify.ok": (
            "the caller waits for {sync} (they change what we must tell the customer now); the rest goes to a queue."
        ),
        "ex.06.find_bug.hint": (
            "Read each consumer as if its message arrived twice, arrived late, failed, or took longer than the "
            "visibility timeout. Item names: ordering, duplicates, retries_dlq, visibility, message_size, monitoring, "
            "not_async."
        ),
        "ex.06.find_bug.solution": (
            "my_bugs = {\n"
            "    'A': 'retries_dlq',  # the error is swallowed: the record 'succeeds', the message is deleted, never retried\n"
            "    'B': 'visibility',   # 90 s of work, 30 s visibility timeout: the message is handed out again mid-work\n"
            "    'C': 'ordering',     # a late OrderShipped overwrites CANCELLED: check a sequence number or use FIFO\n"
            "    'D': 'duplicates',   # every delivery charges: make the charge idempotent (notebook 05)\n"
            "}"
        ),
        "ex.06.find_bug.not_dict": "give a dict of consumer letter → checklist item, e.g. {{'A': 'ordering', …}}; you gave a {kind}.",
        "ex.06.find_bug.missing": "your dict has no answer for consumer(s) {missing}.",
        "ex.06.find_bug.unknown_item": "{got} is not a checklist item; choose from: {valid}.",
        "ex.06.find_bug.b_symptom": (
            "B will indeed process messages twice — but that is the symptom. What setting makes the message visible "
            "again while the worker is still on it?"
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
        "ex.06.find_bug.look.B": "Compare the 90 s of work with the queue's 30 s visibility timeout.",
        "ex.06.find_bug.look.C": "What if OrderShipped was retried and arrives after OrderCancelled?",
        "ex.06.find_bug.look.D": "What if the same message is delivered twice (at-least-once)?",
        "ex.06.find_bug.ok": (
            "A swallows errors (retries and DLQ), B outlives its visibility timeout, C trusts the arrival order, "
            "D charges on every delivery (idempotency)."
        ),
        "ex.06.status_codes.hint": (
            "2xx: it worked (201: created and done; 202: accepted, not done yet); 4xx: the client must change its "
            "request (400 bad body, 404 no such thing, 405 wrong method)."
        ),
        "ex.06.status_codes.solution": (
            "my_codes = {'accepted': 202, 'completed': 201, 'bad_json': 400, 'unknown_order': 404, 'wrong_method': 405}\n"
            "# try them: curl -s -o /dev/null -w '%{http_code}\\n' -X DELETE http://127.0.0.1:PORT/async/orders"
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
        "api.case.up": "every service up",
        "api.case.down": "the {service} service is down",
        # --- end of sync+async block ---
        # --- failure isolation: retries, DLQ, idempotency, chaos (05_failure_isolation; owned by the failure agent) ---
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
        # --- end of failure-isolation block ---
    },
}


class WorkshopError(Exception):
    """An error a learner can act on: its text is one sentence that says what to do.

    The backend seam registers an IPython handler that prints these without a traceback.
    """

    def __init__(self, key: str, **kwargs: object) -> None:
        self.key = key
        self.kwargs = kwargs
        super().__init__(say(key, **kwargs))


def say(key: str, **kwargs: object) -> str:
    """Return the learner-facing sentence ``key`` in the current language, formatted.

    Without ``kwargs`` the text is returned as written, so solutions may contain code with braces.
    """
    table = MESSAGES.get(LANG, MESSAGES["en"])
    template = table.get(key) or MESSAGES["en"][key]
    return template.format(**kwargs) if kwargs else template
