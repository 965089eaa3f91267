"""The sentences of 03_queues, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "async.bad_burst": "burst must be a whole number of orders from 1 to 500; you gave {value!r}.",
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
    },
}
