"""The design checklist: each illustration shows what it claims, and bad settings get one sentence."""

from __future__ import annotations

import pytest

from helpers.core import limits, resources
from helpers.core.backend import client
from helpers.core.messages import WorkshopError
from helpers.shop import Shop
from helpers.together.checklist import (
    ITEMS,
    alarm_definitions,
    checklist_table,
    dlq_demo,
    duplicates_demo,
    monitoring_demo,
    oldest_message_age_s,
    ordering_demo,
    queue_name,
    size_demo,
    visibility_advice,
    visibility_table,
    visibility_timeout_ok,
)


@pytest.fixture(scope="module")
def shop(module_own_prefix):
    made = Shop.create()
    made.set_failure_rates(0)
    yield made


def test_the_checklist_has_every_item_with_a_question_and_a_place():
    table = checklist_table()
    assert len(table.rows) == len(ITEMS) == 7
    assert all(len(ask) > 40 for ask in table.column("ask yourself"))
    assert "Ordering" in str(table) and "<table>" in table._repr_html_()


# --- ordering ------------------------------------------------------------------------------------------


def write_always(table: str, order_id: str, seq: int, status: str) -> bool:
    """A "guard" that guards nothing: every event is written."""
    from helpers.core.backend import client

    client("dynamodb").update_item(TableName=table, Key={"order_id": {"S": order_id}},
                                   UpdateExpression="SET #st = :s", ExpressionAttributeNames={"#st": "status"},
                                   ExpressionAttributeValues={":s": {"S": status}})
    return True


def test_a_late_event_fools_the_naive_consumer_not_the_notebooks_guard(shop):
    from helpers.together.lesson import apply_if_newer

    result = ordering_demo(apply_if_newer, (1, 3, 2))
    assert result.expected_final == "DELIVERED"
    assert result.naive_final == "SHIPPED"  # event 2 arrived last and overwrote DELIVERED
    assert result.guarded_final == "DELIVERED" and result.skipped == [2]


def test_a_guard_that_writes_everything_ends_where_the_naive_one_does(shop):
    result = ordering_demo(write_always, (1, 3, 2))
    assert result.guarded_final == result.naive_final == "SHIPPED" and result.skipped == []


def test_in_order_delivery_is_fine_for_both(shop):
    from helpers.together.lesson import apply_if_newer

    result = ordering_demo(apply_if_newer, (1, 2, 3))
    assert result.naive_final == result.guarded_final == "DELIVERED" and result.skipped == []


def test_ordering_refuses_a_delivery_that_is_not_a_permutation(shop):
    with pytest.raises(WorkshopError, match="each event's sequence number once"):
        ordering_demo(write_always, (1, 1, 3))


# --- duplicates -----------------------------------------------------------------------------------------


def test_a_duplicate_charges_the_naive_consumer_twice_and_the_idempotent_one_once(shop):
    result = duplicates_demo(shop, deliveries=2)
    assert result.charges == {"naive": 2, "idempotent": 1}
    three = duplicates_demo(shop, deliveries=3)
    assert three.charges == {"naive": 3, "idempotent": 1}


# --- retries and DLQ ------------------------------------------------------------------------------------


def test_the_poison_message_is_retried_then_parked_and_the_good_one_processed_once(shop):
    result = dlq_demo(max_receive_count=3)
    assert result.receive_counts["poison"] == [1, 2, 3]
    assert result.receive_counts["good"] == [1] and result.processed == ["good"]
    assert result.in_dlq == ["poison"] and result.left_in_queue == 0
    assert dlq_demo(max_receive_count=1).receive_counts["poison"] == [1]


def test_dlq_demo_refuses_a_silly_receive_count(shop):
    with pytest.raises(WorkshopError, match="from 1 to 10"):
        dlq_demo(0)


# --- visibility timeout ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("fn", "vis", "ok", "words"), [
    (30, 180, True, "6 × 30 s"),
    (30, 200, True, "≥ 6"),
    (30, 179, False, "at least 6 × the function timeout: 180 s"),
    (30, 30, False, "at least 6 × the function timeout: 180 s"),
    (30, 10, False, "Lambda refuses this trigger"),
    (120, 30, False, "CreateEventSourceMapping fails"),
    (900, 5400, True, "≥ 6"),
    (9000, 54000, True, "12 hours"),
])
def test_visibility_rule_is_six_times_the_function_timeout(fn, vis, ok, words):
    assert visibility_timeout_ok(fn, vis) is ok
    assert words in visibility_advice(fn, vis)


@pytest.mark.parametrize("bad", [0, -1, "30", None, float("nan"), True])
def test_visibility_checker_refuses_non_seconds(bad):
    with pytest.raises(WorkshopError, match="positive number"):
        visibility_timeout_ok(bad, 180)
    with pytest.raises(WorkshopError, match="positive number"):
        visibility_timeout_ok(30, bad)


def test_visibility_table_gives_a_verdict_per_pair():
    table = visibility_table()
    assert table.column("≥ 6×?") == ["no", "no", "no", "yes", "yes"]
    assert "refuses" in table.column("advice")[0]


# --- message size ------------------------------------------------------------------------------------------


def test_sns_refuses_a_big_message_sqs_takes_it_and_the_claim_check_goes_through(shop):
    result = size_demo(shop, kib=300)
    assert result.order_bytes < 1024 < limits.SNS_MAX_BYTES < result.big_bytes < limits.SQS_MAX_BYTES
    assert result.sns_error and "too long" in result.sns_error.lower()
    assert result.sqs_accepted and result.pointer_published and result.round_trip_ok
    assert result.pointer_bytes < 200


def test_size_limits_have_one_home():
    """The checklist and 04's fan-out read the limits from core/limits.py; no module defines its own."""
    import re
    from pathlib import Path

    import helpers
    from helpers import fanout

    assert (fanout.SNS_MAX_BYTES, fanout.SQS_MAX_BYTES) == (262_144, 1_048_576) == (limits.SNS_MAX_BYTES, limits.SQS_MAX_BYTES)
    pkg = Path(helpers.__file__).parent
    defined = [str(p.relative_to(pkg)) for p in pkg.rglob("*.py")
               if re.search(r"^(SNS_MAX_BYTES|SQS_MAX_BYTES|\w*MAX_VISIBILITY\w*)\s*=", p.read_text(), re.M)]
    assert defined == ["core/limits.py"], defined


def test_size_demo_refuses_a_size_that_would_not_show_anything(shop):
    with pytest.raises(WorkshopError, match="257"):
        size_demo(shop, kib=100)


# --- monitoring ------------------------------------------------------------------------------------------


def test_age_of_the_oldest_message_grows_while_nobody_consumes(shop):
    url = resources.ensure_queue("t-age")
    resources.purge(url)
    assert oldest_message_age_s(url) == 0.0
    client("sqs").send_message(QueueUrl=url, MessageBody="waiting")
    import time

    time.sleep(0.3)
    first = oldest_message_age_s(url)
    time.sleep(0.2)
    second = oldest_message_age_s(url)
    assert 0.2 <= first < second
    resources.purge(url)


def test_a_stuck_consumer_shows_in_depth_and_age_and_recovers(shop):
    result = monitoring_demo(stuck_s=0.6, produce_s=0.9, rate_per_s=20, interval_s=0.1, age_threshold_s=0.3)
    stuck = [s for s in result.samples if s.t_s < result.stuck_s]
    assert stuck[-1].visible > stuck[0].visible  # the backlog grew while nobody consumed
    assert result.peak("oldest_age_s") >= 0.4
    assert result.alarm_fired_at() is not None
    assert result.final.visible + result.final.in_flight == 0 and result.final.oldest_age_s == 0
    assert result.consumed == result.produced > 5


def test_monitoring_demo_refuses_impossible_settings(shop):
    with pytest.raises(WorkshopError, match="stuck_s"):
        monitoring_demo(stuck_s=2, produce_s=1)


def test_alarm_definitions_are_valid_put_metric_alarm_calls(shop):
    alarms = alarm_definitions("t-check-orders", dlq="t-check-orders-dlq", max_age_s=300)
    assert [a["MetricName"] for a in alarms] == ["ApproximateAgeOfOldestMessage", "ApproximateNumberOfMessagesVisible",
                                                 "ApproximateNumberOfMessagesVisible"]
    assert alarms[0]["Threshold"] == 300 and alarms[2]["Threshold"] == 0
    cw = client("cloudwatch")
    for alarm in alarms:  # botocore validates every parameter against the API model
        cw.put_metric_alarm(**alarm)
    names = [a["AlarmName"] for a in alarms]
    assert sorted(a["AlarmName"] for a in cw.describe_alarms(AlarmNames=names)["MetricAlarms"]) == sorted(names)
    cw.delete_alarms(AlarmNames=names)
    assert "AlarmActions" not in alarms[0]
    assert alarm_definitions("q", alarm_topic_arn="arn:aws:sns:x")[0]["AlarmActions"] == ["arn:aws:sns:x"]
    assert len(alarm_definitions("q")) == 2


def test_queue_name_from_url():
    assert queue_name("https://sqs.ap-northeast-1.amazonaws.com/123456789012/afs-x-orders") == "afs-x-orders"


