"""Pub/sub fan-out: topic + one queue per service, envelope/raw parsing, filters, limits, topology.

Runs on moto and, through ``python -m helpers.core.moto_endpoint -- pytest tests/test_fanout.py``,
on a moto server over HTTP.
"""

from __future__ import annotations

import json

import pytest

from helpers import fanout
from helpers.core.backend import client
from helpers.core.diagrams import read_subscriptions
from helpers.core.messages import WorkshopError
from helpers.core.resources import prefix, queue_arn, queue_depth
from helpers.core.workers import fake_sqs_event
from helpers.fanout import Event, FanoutShop, build_event, parse_event
from helpers.shop import Shop, speed_factor


@pytest.fixture(scope="module")
def shop(backend):
    s = Shop.create()
    s.reset(failures=False)
    return s


@pytest.fixture
def fshop(shop):
    f = FanoutShop.create(shop, visibility_timeout=2)
    yield f
    f.stop()
    for extra in [n for n in f.subscribers if n not in fanout.SERVICES]:
        f.remove_subscriber(extra)


def receive_all(url, n_max=50):
    sqs = client("sqs")
    got = []
    while len(got) < n_max:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
            "Messages", []
        )
        if not msgs:
            return got
        got += msgs
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
        )
    return got


# --- the event and the parser (no AWS) ------------------------------------------------------------


def test_event_carries_the_order_and_the_routing_attributes(shop):
    order = shop.validate({"customer_id": "cust-aiko", "items": [{"product_id": "kyusu", "quantity": 2}]})
    message, attrs = build_event(order, shipping="express")
    body = json.loads(message)
    assert body["order"]["order_id"] == order.order_id
    assert body["customer"] == {"id": "cust-aiko", "tier": "gold"}
    assert attrs["shipping_speed"] == {"DataType": "String", "StringValue": "express"}
    assert attrs["total_amount"] == {"DataType": "Number", "StringValue": str(order.total_jpy)}


def test_parse_event_reads_envelope_and_raw_the_same(shop):
    order = shop.validate({"customer_id": "cust-ren", "items": [{"product_id": "whisk", "quantity": 1}]})
    message, _ = build_event(order)
    envelope = json.dumps(
        {
            "Type": "Notification",
            "MessageId": "sns-1",
            "TopicArn": "arn:aws:sns:ap-northeast-1:123456789012:t",
            "Message": message,
            "MessageAttributes": {"total_amount": {"Type": "Number", "Value": "1800"}},
        }
    )
    wrapped = parse_event(envelope)
    raw = parse_event(message)
    assert wrapped.envelope and not raw.envelope
    assert wrapped.body == raw.body and wrapped.order == raw.order == order
    assert wrapped.attributes == {"total_amount": 1800}
    assert wrapped.message_id == "sns-1" and wrapped.topic_arn.endswith(":t")


def test_parse_event_takes_lambda_records_and_receive_messages(shop):
    order = shop.validate({"customer_id": "cust-ren", "items": [{"product_id": "whisk", "quantity": 1}]})
    message, _ = build_event(order)
    record = fake_sqs_event([message])["Records"][0]
    record["messageAttributes"] = {"shipping_speed": {"dataType": "String", "stringValue": "standard"}}
    assert parse_event(record).attributes == {"shipping_speed": "standard"}
    received = {"MessageId": "m", "Body": message,
                "MessageAttributes": {"total_amount": {"DataType": "Number", "StringValue": "1800"}}}
    assert parse_event(received).attributes == {"total_amount": 1800}


@pytest.mark.parametrize("body", ["not json", "[1, 2]", json.dumps({"Type": "Notification", "Message": "nope"})])
def test_parse_event_rejects_what_is_not_an_event_with_a_sentence(body):
    with pytest.raises(WorkshopError, match="not an order event"):
        parse_event(body)


def test_event_size_counts_attributes_too():
    attrs = {"a": {"DataType": "String", "StringValue": "xyz"}}
    assert fanout.event_size("héllo", attrs) == 6 + 1 + 6 + 3


# --- on the backend -----------------------------------------------------------------------------


def test_one_publish_reaches_every_service_queue(fshop):
    placed = fshop.place_many(fshop.sample_orders(4))
    assert all(p.ok and p.http_status == 202 for p in placed)
    for sub in fshop.subscribers.values():
        msgs = receive_all(sub.queue_url)
        ids = sorted(parse_event(m).order_id for m in msgs)
        assert ids == sorted(p.order_id for p in placed), sub.name


def test_workers_of_each_service_run_its_step(fshop, shop):
    with speed_factor(0):
        placed = fshop.place_many(fshop.sample_orders(3))
        ids = [p.order_id for p in placed]
        with fshop.start(workers=1):
            assert fshop.wait_until_processed(ids, timeout=20)
    effects = shop.store.effects(ids)
    for kind in ("shipments", "emails", "points"):
        assert all(effects[kind][i] == 1 for i in ids), kind
    assert all(effects["payments"][i] == 0 for i in ids)  # nobody subscribed a payment service
    assert all(shop.store.get_order(i)["status"] == "ACCEPTED" for i in ids)
    for sub in fshop.subscribers.values():
        assert sub.processed(ids) == 3 and sum(queue_depth(sub.queue_url).values()) == 0


def test_a_stopped_service_does_not_stop_the_others(fshop):
    with speed_factor(0):
        fshop["shipping"].start()
        fshop["points"].start()  # email's workers are down (not started)
        placed = fshop.place_many(fshop.sample_orders(3))
        ids = [p.order_id for p in placed]
        assert all(p.ok for p in placed)
        assert fshop.wait_until_processed(ids, services=["shipping", "points"], timeout=20)
        assert fshop["email"].processed(ids) == 0
        assert queue_depth(fshop["email"].queue_url)["visible"] == 3  # waiting, not lost
        fshop["email"].start()
        assert fshop.wait_until_processed(ids, services=["email"], timeout=20)


def test_add_subscriber_gets_later_events_without_touching_the_publisher(fshop):
    before = fshop.place_order(fshop.sample_orders(1)[0])
    seen = []
    analytics = fshop.add_subscriber("analytics", lambda ev: seen.append(ev.order_id))
    after = fshop.place_order(fshop.sample_orders(1, start=1)[0])
    analytics.start()
    assert analytics.pool is not None
    assert fshop.wait_until_processed([after.order_id], services=["analytics"], timeout=20)
    assert seen == [after.order_id]  # subscriptions are not retroactive
    assert before.order_id not in analytics.done


def test_raw_delivery_subscriber_parses_the_same_event(fshop):
    sub = fshop.add_subscriber("rawlog", raw=True)
    placed = fshop.place_order(fshop.sample_orders(1, start=2)[0])
    msgs = receive_all(sub.queue_url)
    assert len(msgs) == 1
    body = json.loads(msgs[0]["Body"])
    assert "Type" not in body and body["order"]["order_id"] == placed.order_id  # no envelope
    ev = parse_event(msgs[0])
    assert not ev.envelope and ev.attributes["shipping_speed"] in ("standard", "express")
    env = parse_event(receive_all(fshop["shipping"].queue_url)[0])
    assert env.envelope and env.order_id == placed.order_id and env.body == ev.body


def test_filter_policies_route_by_attribute_number_and_body(fshop):
    fshop.add_subscriber("express", filter_policy={"shipping_speed": ["express"]})
    fshop.add_subscriber("fraud", filter_policy={"total_amount": [{"numeric": [">=", 10000]}]})
    fshop.add_subscriber("vip", filter_policy={"customer": {"tier": ["gold"]}}, filter_scope="MessageBody")
    orders = {
        "a": {"customer_id": "cust-aiko", "items": [{"product_id": "whisk", "quantity": 1}], "shipping": "express"},
        "b": {"customer_id": "cust-ren", "items": [{"product_id": "kyusu", "quantity": 2}]},
        "c": {"customer_id": "cust-riku", "items": [{"product_id": "whisk", "quantity": 1}]},
    }
    ids = {k: fshop.place_order(p).order_id for k, p in orders.items()}
    got = {n: {parse_event(m).order_id for m in receive_all(fshop[n].queue_url)} for n in ("express", "fraud", "vip")}
    assert got == {"express": {ids["a"]}, "fraud": {ids["b"]}, "vip": {ids["a"]}}


def test_an_oversized_event_is_refused_and_nothing_is_stored(fshop, shop):
    payload = {**fshop.sample_orders(1)[0], "order_id": "ord-too-big", "gift_message": "x" * 300_000}
    answer = fshop.place_order(payload)
    assert not answer.ok and answer.http_status == 413
    assert "256 KiB" in answer.error and "nothing was stored" in answer.error
    assert shop.store.get_order("ord-too-big") is None
    assert all(sum(queue_depth(s.queue_url).values()) == 0 for s in fshop.subscribers.values())


def test_an_invalid_order_is_400_and_nothing_is_published(fshop, shop):
    answer = fshop.place_order({"customer_id": "cust-aiko", "items": [], "order_id": "ord-bad-1"})
    bad_ship = fshop.place_order({**fshop.sample_orders(1)[0], "shipping": "teleport", "order_id": "ord-bad-2"})
    assert answer.http_status == 400 and bad_ship.http_status == 400 and "shipping" in bad_ship.error
    assert shop.store.get_order("ord-bad-2") is None
    assert all(sum(queue_depth(s.queue_url).values()) == 0 for s in fshop.subscribers.values())


def _subscribed(topic_arn):
    """short name → subscription, as SNS reports them."""
    return {s.name.removeprefix(prefix() + "-"): s for s in read_subscriptions(topic_arn)}


def test_subscriptions_carry_the_filter_policy_and_delivery_mode(fshop):
    fshop.add_subscriber("express", filter_policy={"shipping_speed": ["express"]}, raw=True)
    topo = _subscribed(fshop.topic_arn)
    assert {"shipping", "email", "points", "express"} <= set(topo)
    assert topo["express"].filter_policy == {"shipping_speed": ["express"]} and topo["express"].raw
    assert topo["shipping"].filter_policy is None and not topo["shipping"].raw
    assert topo["shipping"].endpoint == queue_arn(fshop["shipping"].queue_url)


def test_subscribing_again_applies_the_new_filter(fshop):
    fshop.add_subscriber("express", filter_policy={"shipping_speed": ["express"]})
    fshop.add_subscriber("express", filter_policy={"shipping_speed": ["standard"]}, raw=True)
    topo = _subscribed(fshop.topic_arn)
    assert topo["express"].filter_policy == {"shipping_speed": ["standard"]} and topo["express"].raw
    assert [s.name for s in read_subscriptions(fshop.topic_arn)].count(f"{prefix()}-express") == 1


def test_remove_subscriber_unsubscribes(fshop):
    fshop.add_subscriber("temp")
    fshop.remove_subscriber("temp")
    assert "temp" not in _subscribed(fshop.topic_arn)
    with pytest.raises(WorkshopError, match="no subscriber"):
        fshop.remove_subscriber("temp")


def test_dlq_option_attaches_a_dead_letter_queue(shop):
    f = FanoutShop.create(shop, services=["email"], topic="dlq-events",
                          queue_options={"email": {"dlq": True, "max_receive_count": 2}})
    sub = f["email"]
    assert sub.dlq_url and sub.dlq_url.endswith("-email-dlq")
    policy = client("sqs").get_queue_attributes(QueueUrl=sub.queue_url, AttributeNames=["RedrivePolicy"])
    redrive = json.loads(policy["Attributes"]["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == queue_arn(sub.dlq_url) and int(redrive["maxReceiveCount"]) == 2


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [({"name": "Bad Name"}, "lower-case"), ({"name": "ok", "filter_scope": "Body"}, "MessageBody"),
     ({"name": "ok", "filter_policy": ["express"]}, "is a dict")],
)
def test_bad_subscriber_settings_get_one_sentence(fshop, kwargs, words):
    with pytest.raises(WorkshopError, match=words):
        fshop.add_subscriber(**kwargs)


def test_event_object_properties():
    ev = Event({"order": {"order_id": "o1"}, "shipping": {"speed": "express"}, "customer": {"tier": "gold"}}, {},
               False, "m")
    assert (ev.order_id, ev.shipping_speed, ev.tier) == ("o1", "express", "gold")


# --- the local filter-policy model agrees with the backend ------------------------------------------

POLICIES = [
    ({"shipping_speed": ["express"]}, "MessageAttributes"),
    ({"customer_tier": ["gold", "silver"], "total_amount": [{"numeric": [">=", 5000]}]}, "MessageAttributes"),
    ({"total_amount": [{"numeric": [">", 3000, "<=", 13000]}]}, "MessageAttributes"),
    ({"customer_tier": [{"anything-but": ["regular"]}]}, "MessageAttributes"),
    ({"customer_tier": [{"prefix": "go"}]}, "MessageAttributes"),
    ({"coupon": [{"exists": False}]}, "MessageAttributes"),
    ({"customer": {"tier": ["gold"]}}, "MessageBody"),
    ({"order": {"total_jpy": [{"numeric": [">=", 10000]}]}, "shipping": {"speed": ["standard"]}}, "MessageBody"),
]
PROBES = {
    "p1": {"customer_id": "cust-aiko", "items": [{"product_id": "whisk", "quantity": 1}], "shipping": "express"},
    "p2": {"customer_id": "cust-ren", "items": [{"product_id": "kyusu", "quantity": 2}]},
    "p3": {"customer_id": "cust-haruto", "items": [{"product_id": "tea-bowl", "quantity": 2}]},
    "p4": {"customer_id": "cust-riku", "items": [{"product_id": "matcha-100g", "quantity": 2}], "shipping": "express"},
}


def test_policy_model_matches_the_backend(fshop):
    from helpers.fanout import expected_routes, routing_run

    subs = {f"pol{i}": p for i, p in enumerate(POLICIES)}
    result = routing_run(fshop, orders=PROBES, subscribers=subs, timeout=5)
    assert result.received == expected_routes(PROBES, subs)
    assert all(result.received.values())  # no policy is vacuous …
    assert all(len(v) < len(PROBES) for k, v in result.received.items() if k != "pol5")  # … or lets all through
    for extra in subs:
        fshop.remove_subscriber(extra)


@pytest.mark.parametrize(
    ("policy", "attrs", "want"),
    [
        ({"a": [{"equals-ignore-case": "EXPRESS"}]}, {"a": "express"}, True),
        ({"a": [{"suffix": "ss"}]}, {"a": "express"}, True),
        ({"a": [{"anything-but": {"prefix": "ex"}}]}, {"a": "express"}, False),
        ({"a": [{"anything-but": "x"}]}, {}, False),  # anything-but needs the attribute
        ({"a": [{"exists": True}]}, {}, False),
        ({"a": [5000]}, {"a": 5000}, True),
        ({"a": ["x"], "b": ["y"]}, {"a": "x"}, False),  # keys are AND-ed
    ],
)
def test_policy_model_rules(policy, attrs, want):
    assert fanout.policy_matches(policy, attrs) is want


@pytest.mark.parametrize(
    ("policy", "scope", "words"),
    [({"a": "x"}, "MessageAttributes", "list of allowed values"),
     ({"a": {"b": ["x"]}}, "MessageAttributes", "MessageBody"),
     ({"$or": [{"a": ["x"]}]}, "MessageAttributes", "not one this workshop models"),
     ({"a": [{"numeric": ["~", 1]}]}, "MessageAttributes", "not one this workshop models"),
     ({"a": ["x"]}, "Body", "filter_scope")],
)
def test_policy_model_rejects_what_it_does_not_know_with_a_sentence(policy, scope, words):
    with pytest.raises(WorkshopError, match=words):
        fanout.policy_matches(policy, {"a": 1}, {"a": 1}, scope=scope)


# --- the notebook's demonstrations ------------------------------------------------------------------


def test_fanout_run_counts_one_publish_per_order_and_one_delivery_per_service(fshop):
    with speed_factor(0):
        run = fanout.fanout_run(fshop, 4)
    assert run.n == 4 and run.publishes == 4
    assert run.done == dict.fromkeys(fanout.SERVICES, 4)
    assert run.deliveries == dict.fromkeys(fanout.SERVICES, 4)
    assert not any(s.running for s in fshop.subscribers.values())


def test_deploy_run_keeps_the_other_services_going(fshop):
    with speed_factor(0):
        # 5 orders (200 ms) while email is down: long enough for the others' workers on a busy machine
        run = fanout.deploy_run(fshop, 15, interval_ms=40)
    assert len(run.ids) == 15
    assert run.processed == dict.fromkeys(fanout.SERVICES, 15)  # in the end, everyone did everything
    assert run.done_during_down["email"] == 0  # email's workers were stopped …
    assert run.done_during_down["shipping"] >= 1 and run.done_during_down["points"] >= 1  # … the others were not
    assert run.depth["email"].peak >= 1
    assert run.down_window[0] < run.down_window[1]


def test_live_add_gets_every_later_order_and_none_before(fshop):
    seen = []
    with speed_factor(0):
        result = fanout.live_add(fshop, "analytics", lambda ev: seen.append(ev.order_id), n_before=6, n_after=6,
                                 interval_ms=15)
    assert result.after and result.before
    assert result.missed_after == [] and result.got_before == []
    assert set(seen) == result.received
    assert result.worker_started > result.placed[-1].end - result.t0  # its worker started after the stream
    assert result.answered_before_worker
    assert "analytics" in fshop.subscribers
    fshop.remove_subscriber("analytics")


def test_live_add_can_start_the_worker_at_once(fshop):
    with speed_factor(0):
        result = fanout.live_add(fshop, "analytics", n_before=5, n_after=5, interval_ms=15, start_worker="now")
    assert result.worker_started == result.added_window[1] and not result.missed_after
    assert not result.answered_before_worker
    with pytest.raises(WorkshopError, match="'after' or 'now'"):
        fanout.live_add(fshop, "analytics", start_worker="later")
    fshop.remove_subscriber("analytics")


def test_publisher_unchanged_rule():
    assert fanout.publisher_unchanged(10, 14) == (True, 25)
    assert fanout.publisher_unchanged(10, 40)[0] is False  # e.g. waited 30 ms for the subscriber's work


def test_delivery_demo_shows_envelope_and_raw(fshop):
    demo = fanout.delivery_demo(fshop)
    envelope = json.loads(demo.envelope_body)
    assert envelope["Type"] == "Notification" and "Message" in envelope
    assert json.loads(demo.raw_body)["event_type"] == "OrderPlaced"
    assert demo.envelope_attributes == {}  # attributes travel inside the envelope
    assert demo.raw_attributes["shipping_speed"] in ("standard", "express")
    assert demo.envelope_event.body == demo.raw_event.body
    assert "peek-raw" not in fshop.subscribers


def test_oversized_demo_is_413_and_not_stored(fshop):
    answer, stored = fanout.oversized_demo(fshop, kib=300)
    assert answer.http_status == 413 and not stored
    small, stored_small = fanout.oversized_demo(fshop, kib=200)
    assert small.ok and stored_small and 200 * 1024 <= small.size_bytes <= fanout.SNS_MAX_BYTES


def test_routing_table_and_expected_routes():
    rows = {r["order"]: r for r in fanout.routing_table()}
    assert rows["C"]["total_jpy"] == 19200 and rows["F"]["total_jpy"] == 26000
    assert fanout.expected_routes() == {"express-shipping": {"A", "C", "E"}, "fraud-review": {"F"},
                                        "gold-gift": {"A", "C"}}
    assert "19,200" in fanout.format_routing_table()


# --- figures (synthetic results, no AWS) ------------------------------------------------------------


def _published(oid, start, ms):
    return fanout.Published(oid, "ACCEPTED", start, start + ms / 1000, message_id="m", size_bytes=100)


def _labelled(fig):
    import matplotlib.pyplot as plt

    try:
        axes = [ax for ax in fig.axes if ax.get_visible()]
        assert axes and all(ax.get_title() for ax in axes)
        assert all(ax.get_xlabel() and (ax.get_ylabel() or not ax.axison) for ax in axes)
    finally:
        plt.close(fig)


def test_every_figure_has_titles_and_labels():
    from helpers.core.sampling import DepthSeries
    from helpers.fanout import plots as pf

    placed = [_published(f"o{i}", i * 0.03, 10 + i) for i in range(6)]
    run = fanout.FanoutRun(placed, dict.fromkeys(fanout.SERVICES, 6), dict.fromkeys(fanout.SERVICES, 6),
                           {s: {p.order_id: p.end + 0.05 for p in placed} for s in fanout.SERVICES}, 6)
    _labelled(pf.fanout_counts(run))
    series = DepthSeries([0, 0.1, 0.2], [0, 2, 0], [0, 1, 0], [0, 0, 0])
    dep = fanout.DeployRun(placed, "email", "shipping", (0.05, 0.12), 0.05, 3, dict.fromkeys(fanout.SERVICES, series),
                           dict.fromkeys(fanout.SERVICES, 6), {"shipping": 2, "email": 0, "points": 2}, 0.0, 30)
    _labelled(pf.deploy(dep))
    live = fanout.LiveAdd(placed, 0.0, (0.07, 0.08), "analytics", {"o3", "o4", "o5"}, 0.5)
    assert live.answered_before_worker and len(live.before) == 2 and len(live.after) == 3
    _labelled(pf.live_add(live))
    routes = fanout.RoutingRun({"A": "a", "B": "b"}, {"x": {"A"}, "y": {"B"}}, {"x": {"A"}, "y": set()}, {},
                               fanout.routing_table())
    assert not routes.as_predicted
    fig = pf.routing(routes)
    assert "1,800 yen" in fig.axes[0].get_xticklabels()[0].get_text()  # each order's facts under its letter
    _labelled(fig)
    _labelled(pf.sizes(300 * 1024))


def test_queue_policy_lets_the_topic_send(fshop):
    attrs = client("sqs").get_queue_attributes(QueueUrl=fshop["shipping"].queue_url, AttributeNames=["Policy"])
    statement = json.loads(attrs["Attributes"]["Policy"])["Statement"][0]
    assert statement["Effect"] == "Allow" and statement["Action"] == "sqs:SendMessage"
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == fshop.topic_arn
    assert statement["Resource"] == queue_arn(fshop["shipping"].queue_url)


def test_create_removes_subscriptions_left_by_an_earlier_run(shop, fshop):
    fshop.add_subscriber("leftover")
    kept = FanoutShop.create(shop, keep_other_subscriptions=True)
    assert "leftover" in _subscribed(kept.topic_arn)
    fresh = FanoutShop.create(shop)
    assert set(_subscribed(fresh.topic_arn)) == set(fanout.SERVICES)


# --- the notebook hands its own functions and resources to the harness ------------------------------


def test_the_harness_takes_the_topic_queues_and_functions_the_notebook_made(shop):
    from helpers.core.resources import name
    from helpers.fanout import lesson

    sns, sqs = client("sns"), client("sqs")
    topic_arn = sns.create_topic(Name=name("nb-events"))["TopicArn"]
    queues = {s: sqs.create_queue(QueueName=name(f"nb-{s}"))["QueueUrl"] for s in ("shipping", "email")}
    leftover = sqs.create_queue(QueueName=name("nb-leftover"))["QueueUrl"]
    for url in [*queues.values(), leftover]:
        lesson.subscribe_queue(sns, sqs, topic_arn, url)
    published, subscribed = [], []

    def my_publish(sns, topic_arn, order, **kw):
        published.append(order.order_id)
        return lesson.publish_order_event(sns, topic_arn, order, **kw)

    def my_subscribe(*args, **kw):
        subscribed.append(kw)
        return lesson.subscribe_queue(*args, **kw)

    named = {"shipping": queues["shipping"], "email": queues["email"]}
    fshop = FanoutShop(shop, topic_arn, named, subscribe=my_subscribe, publish=my_publish)
    assert set(fshop.subscribers) == {"shipping", "email"}
    assert {s.endpoint for s in read_subscriptions(topic_arn)} == {queue_arn(u) for u in queues.values()}
    answer = fshop.place_order(fshop.sample_orders(1)[0])
    assert answer.ok and published == [answer.order_id]
    assert all(len(receive_all(u)) == 1 for u in queues.values())
    fshop.add_subscriber("nb-audit", filter_policy={"shipping_speed": ["express"]})
    assert subscribed == [{"raw": False, "filter_policy": {"shipping_speed": ["express"]}, "scope": "MessageAttributes"}]


def test_the_harness_refuses_a_queue_that_is_not_subscribed(shop):
    from helpers.core.resources import name

    topic_arn = client("sns").create_topic(Name=name("nb-empty"))["TopicArn"]
    url = client("sqs").create_queue(QueueName=name("nb-lonely"))["QueueUrl"]
    with pytest.raises(WorkshopError, match="not subscribed"):
        FanoutShop(shop, topic_arn, {"shipping": url})


def test_the_saved_event_carries_a_number_attribute_and_the_whole_order(shop):
    from helpers.fanout import lesson

    order = shop.validate({"customer_id": "cust-mei", "items": [{"product_id": "whisk", "quantity": 2}]})
    message, attrs = lesson.build_event(order, shipping="express", gift_message="おめでとう")
    body = json.loads(message)
    assert body["gift_message"] == "おめでとう" and body["customer"]["tier"] == "gold"
    assert attrs["total_amount"]["DataType"] == "Number" and attrs["event_type"]["StringValue"] == "OrderPlaced"
    assert "gift_message" not in json.loads(lesson.build_event(order)[0])


def test_deploy_run_leaves_filtered_services_out(fshop):
    fshop.add_subscriber("express", filter_policy={"shipping_speed": ["express"]})
    with speed_factor(0):
        run = fanout.deploy_run(fshop, 6, interval_ms=10)
    assert set(run.processed) == set(fanout.SERVICES) and set(run.depth) == set(fanout.SERVICES)
    assert fshop.unfiltered() == list(fanout.SERVICES)
