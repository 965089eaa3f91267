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
    },
}
