"""The sentences of 07_real_aws and 99_cleanup, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
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
    },
}
