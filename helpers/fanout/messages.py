"""The sentences of 04_pubsub_fanout, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
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
            "(subscribe_queue in section 2 sets it) and run the cell again."
        ),
        "fanout.policy_not_json": (
            "⚠ That is not JSON ({error}): write the policy with double quotes, e.g. {{\"shipping_speed\": [\"express\"]}}."
        ),
        "fanout.bad_start_worker": "start_worker must be 'after' or 'now'; got {value!r}.",
        "fanout.not_subscribed": (
            "The queue for {name!r} is not subscribed to this topic: call subscribe_queue(...) for it first."
        ),
        "fanout.table.head": "order customer      tier     shipping   total (yen)",
        "fanout.try.gets": "✓ gets it    order {order}: {customer:<12} {tier:<8} {shipping:<9} {total:>7,} yen",
        "fanout.try.filtered": "· filtered   order {order}: {customer:<12} {tier:<8} {shipping:<9} {total:>7,} yen",
        "fanout.deliveries.envelope": (
            "── envelope (default): the SQS message body is SNS's JSON; the event is a string inside \"Message\""
        ),
        "fanout.deliveries.raw": "── raw (RawMessageDelivery=true): the SQS message body is the event itself",
        "fanout.deliveries.attributes": "   SQS message attributes: {attributes}",
        "fanout.deliveries.none": "none",
        # figure titles and labels
        "fanout.fig.publish_calls": "Publish calls by the order API: {n}",
        "fanout.fig.events_processed": "events processed (count)",
        "fanout.fig.service_axis": "service (its own queue and workers)",
        "fanout.fig.counts_title": "{n} orders, {publishes} publishes, {deliveries} deliveries",
        "fanout.fig.median": "median {ms:.0f} ms",
        "fanout.fig.service": "service",
        "fanout.fig.done_after": "time from the order's 202 answer until the service was done (ms, measured; speed ×{speed:g})",
        "fanout.fig.own_pace": "Each service works at its own pace",
        "fanout.fig.stopped": "{name} workers stopped (a deploy)",
        "fanout.fig.scaled": "{name} scaled 1 → {n} workers",
        "fanout.fig.queue_peak": "{name} queue (peak {peak})",
        "fanout.fig.last_answered": "last order answered",
        "fanout.fig.since_first": "time since the first order (s)",
        "fanout.fig.depth": "messages in the queue (waiting + in flight)",
        "fanout.fig.deploy_title": "{n} orders, one every {ms:.0f} ms: the {name} queue waits, the others go on",
        "fanout.fig.before": "before: median {ms:.1f} ms ({n} orders)",
        "fanout.fig.after": "after: median {ms:.1f} ms ({n} orders)",
        "fanout.fig.during": "during the subscribe calls ({n}; in neither median)",
        "fanout.fig.subscribed": "'{name}' subscribed\n(publisher not changed)",
        "fanout.fig.worker_starts": "'{name}' worker starts:\nits queue kept the events",
        "fanout.fig.arrived": "time the order arrived (s since the first order)",
        "fanout.fig.response_ms": "order API response time (ms)",
        "fanout.fig.live_title": "Adding a subscriber while orders flow: the publisher's response time",
        "fanout.fig.missing": "missing",
        "fanout.fig.order": "order {label}",
        "fanout.fig.order_facts": "order {label}\n{tier}\n{shipping}\n{total:,} yen",
        "fanout.fig.order_axis": "order, with the facts the filter policies see",
        "fanout.fig.filtered_queue": "filtered queue",
        "fanout.fig.routing_ok": "Which queue received which order: as the filter policies say",
        "fanout.fig.routing_wrong": "Which queue received which order: NOT as the filter policies say (red)",
        "fanout.fig.sqs_limit": "SQS message limit\n(since 2025)",
        "fanout.fig.sns_limit": "SNS message limit",
        "fanout.fig.this_event": "this order's event",
        "fanout.fig.size_axis": "size (KiB = 1,024 bytes; message + attributes)",
        "fanout.fig.message": "message",
        "fanout.fig.sizes_title": "An SNS → SQS fan-out is limited by the smaller limit: SNS's 256 KiB",
        # 04 exercises
        "ex.04.queue_or_topic.hint": (
            "Ask for each need: how many different services need each message? One service, with any number "
            "of workers, needs a queue. Several services, now or later, or a filter per service, need a topic."
        ),
        "ex.04.queue_or_topic.solution": (
            "A queue gives each message to one worker; a topic gives a copy to every subscriber."
        ),
        "ex.04.queue_or_topic.not_dict": (
            "give a dict from letter to choice, e.g. {{\"a\": \"topic\", \"b\": \"queue\", …}}; you gave a {kind}."
        ),
        "ex.04.queue_or_topic.unfilled": "replace every ... with \"queue\" or \"topic\".",
        "ex.04.queue_or_topic.missing": "your answer has no choice for {letters}: give one for each need a to e.",
        "ex.04.queue_or_topic.unknown": "{letters} is not a need in the table: use the letters a to e.",
        "ex.04.queue_or_topic.not_choice": "for need {letter!r} write \"queue\" or \"topic\"; you wrote {got!r}.",
        "ex.04.queue_or_topic.wrong": "{n} of your choices are not right yet. Need {letter} needs a {want}: {why}",
        "ex.04.queue_or_topic.why_a": "three services each need every order, so each gets a copy from a topic, into its own queue.",
        "ex.04.queue_or_topic.why_b": (
            "the three workers share one job, and each message must go to one of them. A topic would give each "
            "worker its own copy, so each label would be printed three times."
        ),
        "ex.04.queue_or_topic.why_c": (
            "a topic lets a new service subscribe its own queue later, and the publisher does not change."
        ),
        "ex.04.queue_or_topic.why_d": (
            "one service takes the orders at its own pace: a queue keeps them until its workers are ready."
        ),
        "ex.04.queue_or_topic.why_e": (
            "each subscription of a topic can have its own filter policy: the courier's selects express orders, "
            "and the other subscriptions have none."
        ),
        "ex.04.queue_or_topic.ok": (
            "all {n} choices are right. One service doing the work needs a queue; many services that each need "
            "the event need a topic, with a queue each."
        ),
        "ex.04.predict_routes.hint": (
            "Take one queue at a time and read its filter policy as a question about each row of the table: "
            "express-shipping asks 'shipping = express?', fraud-review 'total ≥ 20,000 yen?' (≥ includes "
            "20,000 itself), gold-gift 'customer tier = gold?' (silver is not gold)."
        ),
        "ex.04.predict_routes.solution": "Read each filter policy as a question about each order of the table.",
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
            "Two keys, both must match; the tiers in one list; the amount as a numeric condition."
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
            "One subscription with a numeric filter on total_amount. A body filter works too: "
            "{\"order\": {\"total_jpy\": [{\"numeric\": [\">=\", 10000]}]}} with filter_scope=\"MessageBody\"."
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
    },
}
