"""The sentences of 07_real_aws and 99_cleanup, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "cost.bad_prices": (
            "The price table {path} could not be read ({error}): restore data/prices.json from the "
            "repository (git checkout data/prices.json)."
        ),
        "cost.unknown_item": (
            "There is no price {item!r} in data/prices.json; its items start with {valid} (for example sqs.requests)."
        ),
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
        "cost.prices_date": "Price table: on-demand list prices of the workshop's AWS calls in {region}, checked against the AWS pricing pages on {as_of}.",
        "cost.idle_storage": (
            "Not in this estimate: DynamoDB bills storage by the month (about ${usd:.3f} per GB-month here, "
            "the first 25 GB free), even for an idle on-demand table that no request reaches."
        ),
        "cost.sns_payload_filtering": (
            "Not in this estimate: a filter policy on the message body (FilterPolicyScope MessageBody) is "
            "billed per GB of payload SNS scans; a filter on message attributes, as used here, costs nothing extra."
        ),
        "lambda.bad_timeout": "A Lambda function timeout must be between 1 and {most} seconds; got {timeout!r}.",
        "lambda.timeout_vs_visibility": (
            "The queue hides a message for {visibility} s, but the function may run for {timeout} s: AWS "
            "recommends a visibility timeout of at least {factor} times the function timeout ({needed} s). "
            "Create the queue with visibility_timeout={needed} or more."
        ),
        "lambda.mapping_state": (
            "The event source mapping {uuid} is {state}, not Enabled: look at it in the Lambda console "
            "(Triggers), or run 99_cleanup and deploy again."
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
        "real.stage_title": "The handlers you wrote, deployed on {backend}: API Gateway → Lambda → SQS → Lambda → DynamoDB",
        "real.no_lambda_code": (
            "This backend stores the functions but does not run their code (moto would need Docker to run "
            "it), so no order is sent through API Gateway. On real AWS this cell sends {n} orders to each "
            "endpoint and times them."
        ),
        "real.api_timed": (
            "{n} orders through API Gateway: POST /sync/orders p50 {sync:.0f} ms, POST /async/orders p50 "
            "{accept:.0f} ms; the worker function completed {completed} of {accepted} accepted orders "
            "(end to end p50 {e2e:.0f} ms)."
        ),
        "cost.col_what": "what",
        "cost.col_quantity": "quantity",
        "cost.col_usd_per_unit": "USD / unit",
        "cost.col_usd": "USD",
        "cost.estimated_total": "estimated total",
        "cost.plot_title": "Where the requests went (estimated total ${usd:.6f})",
        "cost.plot_xlabel": "billed API calls in this run (count)",
        "cost.plot_ylabel": "service:operation",
        "lambda.zip_summary": "zip: {mb:.1f} MB, {files} files (helpers/, data/, {vendored})",
        "lambda.zip_handler": "  {handler:<42} in {path}",
        "lambda.zip_missing": "  {handler:<42} in {path}: MISSING from the zip (run the notebook that saves it)",
        "real.head_account": "account   {account}",
        "real.head_region": "region    {region}",
        "real.head_endpoint": "endpoint  {endpoint}",
        "real.head_prefix": "prefix    {prefix}",
        "real.kind_dynamodb_table": "dynamodb table (on-demand)",
        "real.kind_event_source_mapping": "event source mapping",
        "real.endpoint_moto": "in this process (moto)",
        "real.endpoint_aws": "real AWS",
        "real.creates": "this run creates:",
        "real.planned": (
            "planned: ≤ {calls:,} billed requests ≈ ${usd:.4f} (list prices {region}, {as_of}; free tier not subtracted)"
        ),
        "real.fanout_line": "{sub:<9} expected {expected:>3}  processed {received:>3}",
        "real.fanout_publish": (
            "publish API: p50 {p50:.0f} ms per order (validate, store, Publish); new queue policies worked "
            "after {wait:.1f} s"
        ),
        "real.fanout_expected": "expected",
        "real.fanout_processed": "processed",
        "real.fanout_xlabel": "subscribed service (queue)",
        "real.fanout_ylabel": "orders (count)",
        "real.fanout_title": "Fan-out on {backend}: {n} orders published once, processed by every subscriber",
        "real.wiring_function": "{role} function  {name}: {runtime}, handler {handler}, timeout {timeout} s, {state}",
        "real.role_api": "API",
        "real.role_worker": "worker",
        "real.wiring_trigger": "trigger           batch {batch}, response types: {types}, {state}",
        "real.wiring_queue": "queue             visibility timeout {visibility} s ({times:.0f}× the worker's timeout)",
        "real.wiring_gateway": "API Gateway       {type} → {target}; API Gateway may call it: {allowed}",
        "real.wiring_problem": "PROBLEM           {problem}",
        "real.problem_handlers": "the handlers are {got}, not {want}",
        "real.problem_visibility": "visibility timeout {visibility} s < {factor} × {timeout} s (the worker's timeout)",
        "real.problem_partial": "the trigger does not report partial batch failures (ReportBatchItemFailures)",
        "real.problem_target": "the trigger calls {arn}, not the worker function",
        "real.problem_integration": "API Gateway does not send requests to the API function (AWS_PROXY)",
        "real.problem_permission": "the API function does not allow this REST API to call it (add_permission)",
        "cleanup.remaining": "remaining with prefix {prefix}: {n}",
        "cleanup.still_listed": "  still there: {kind} {name}",
        "cleanup.none_listed": "no resources with prefix {prefix}",
        "cleanup.nothing": (
            "Nothing to clean up for {prefix}: no resource with that prefix exists in account {account}, "
            "region {region}."
        ),
        "cleanup.still_there": (
            "{n} resource(s) of {prefix} are still listed after {waited:.0f} s: {names}. AWS may need a "
            "minute to forget deleted queues; run this cell again."
        ),
        "ex.07.worker_role.hint": (
            "Follow one batch: Lambda takes messages from the queue, calls your function, and removes the "
            "messages that succeeded. It also reads the queue's settings when it creates the trigger."
        ),
        "ex.07.worker_role.not_a_set": (
            "Give a set of action names as strings, e.g. {{\"sqs:SendMessage\"}}; you gave {got!r}."
        ),
        "ex.07.worker_role.placeholder": "Replace ... in the set with action names, for example \"sqs:SendMessage\".",
        "ex.07.worker_role.wildcard": (
            "{actions}: a wildcard allows every matching action, today and in the future. Name each action."
        ),
        "ex.07.worker_role.not_actions": (
            "{actions}: an action name is the service, a colon and the action, e.g. sqs:ReceiveMessage."
        ),
        "ex.07.worker_role.sends": (
            "The worker only consumes this queue; it never sends to it. The API function needs sqs:SendMessage, "
            "in its own role."
        ),
        "ex.07.worker_role.no_receive": (
            "Without sqs:ReceiveMessage the trigger cannot take a batch from the queue: Lambda polls with the "
            "function's role."
        ),
        "ex.07.worker_role.no_delete": (
            "Without sqs:DeleteMessage, Lambda cannot remove the messages of a successful batch, so every message "
            "comes back after the visibility timeout."
        ),
        "ex.07.worker_role.no_attributes": (
            "Without sqs:GetQueueAttributes, Lambda refuses to create the trigger: it reads the queue's settings "
            "first."
        ),
        "ex.07.worker_role.extra": (
            "{actions}: the trigger does not need this. Leave it out; add an action only when the function's code "
            "calls it."
        ),
        "ex.07.worker_role.ok": (
            "Receive, delete and read the queue's settings: that is what the AWS managed policy "
            "AWSLambdaSQSQueueExecutionRole grants, here for one queue only."
        ),
        "ex.07.million.hint": (
            "Count requests per order: one SendMessage when the order is accepted; the worker receives and "
            "deletes in batches of 10, so one ReceiveMessage and one DeleteMessageBatch serve 10 orders. "
            "Then requests ÷ 1,000,000 × the price per million (prices.json: sqs.requests)."
        ),
        "ex.07.million.solution": (
            "Each order is one SendMessage; one ReceiveMessage and one DeleteMessageBatch serve 10 orders. "
            "That is 1.2 million requests: $0.48 before the free tier of 1 million requests a month."
        ),
        "ex.07.worker_role.solution": (
            "The trigger receives a batch, deletes the messages that succeeded and reads the queue's settings: "
            "three actions, on this one queue. The worker never sends to its queue."
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
