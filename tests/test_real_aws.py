"""07_real_aws's helpers: the preflight, the fan-out with queue policies, the DLQ + redrive (native and
fallback), the optional Lambda section, and the plan that bounds the bill."""

from __future__ import annotations

import json

import pytest

from helpers.core import resources
from helpers.core.backend import BackendInfo, client
from helpers.fanout.lesson import subscribe_queue
from helpers.real_aws import account as real_aws
from helpers.real_aws.cost import estimate


@pytest.fixture
def shop(own_prefix):
    from helpers.shop import Shop, speed_factor

    with speed_factor(0):
        yield Shop.create()


def test_the_preflight_says_where_what_and_how_much(own_prefix):
    plan = real_aws.Plan07()
    pre = real_aws.preflight_07(plan)
    text = "\n".join(pre.lines())
    assert pre.info.account in text and pre.info.region in text and own_prefix in text
    assert f"{own_prefix}-rt-orders-dlq" in text and f"{own_prefix}-shop-orders" in text
    assert f"{own_prefix}-order-events" in text and f"{own_prefix}-express" in text
    for deployed in ("-api", "-worker", "-api-role", "-worker-role", "-lambda-orders", "/aws/lambda/"):
        assert f"{own_prefix}{deployed}" in text or f"/aws/lambda/{own_prefix}" in text, deployed
    assert "api gateway rest api" in text and "event source mapping" in text
    assert pre.planned_calls == sum(plan.calls().values()) and pre.planned.total_usd > 0
    usage = {r.key: r.quantity for r in pre.planned.rows}
    assert usage["apigateway.rest_requests"] == 2 * plan.n_api and usage["lambda.requests"] == 3 * plan.n_api


def test_on_real_aws_the_preflight_warns_with_account_and_cost(own_prefix):
    real = BackendInfo("aws", "ap-northeast-1", "111122223333", None, serialized=False, arn="arn:aws:iam::1:user/a")
    pre = real_aws.Preflight(real, own_prefix, [("sqs queue", f"{own_prefix}-orders")],
                             estimate({("sqs", "SendMessage"): 1000}))
    text = "\n".join(pre.lines())
    assert pre.mode == "aws" and "REAL AWS: account 111122223333, region ap-northeast-1" in text
    assert "up to 1,000 billed requests" in text and "99_cleanup" in text
    endpoint = real_aws.Preflight(BackendInfo("aws", "ap-northeast-1", "1", "http://localhost:4566", True),
                                  own_prefix, [], estimate({}))
    assert endpoint.mode == "endpoint" and "NOT real AWS" in "\n".join(endpoint.lines())


def test_fanout_reaches_every_subscriber_and_the_filter_applies(shop):
    fan = real_aws.fanout_run(shop, n=7)
    assert fan.complete, (fan.expected, fan.received)
    assert fan.received == {"shipping": 7, "email": 7, "points": 7, "express": 2}  # every third is express
    assert len(fan.publish_ms) == 7 and fan.policy_wait_s >= 0
    for sub in real_aws.FANOUT_SUBSCRIBERS:  # the policy real AWS needs is on every queue
        url = client("sqs").get_queue_url(QueueName=resources.name(sub))["QueueUrl"]
        policy = json.loads(client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
                            ["Attributes"]["Policy"])
        assert policy["Statement"][0]["Principal"] == {"Service": "sns.amazonaws.com"}
    again = real_aws.fanout_run(shop, n=3)  # a second run reuses everything and starts from empty queues
    assert again.complete and again.received["shipping"] == 3


def test_wait_for_delivery_probes_until_every_queue_got_one_and_leaves_them_empty(own_prefix):
    topic = resources.ensure_topic("probe")
    urls = [resources.ensure_queue(f"probe-{i}") for i in range(2)]
    for url in urls:
        subscribe_queue(client("sns"), client("sqs"), topic, url, filter_policy={"shipping_speed": ["express"]})
    assert real_aws.wait_for_delivery(topic, urls, {"shipping_speed": "express"}, timeout_s=30) < 30
    assert all(resources.queue_depth(u)["visible"] == 0 for u in urls)


def test_an_outage_fills_the_dlq_and_the_redrive_completes_every_order(shop):
    run = real_aws.dlq_run(shop, n=4)
    assert run.in_dlq == 4 and len(run.orders) == 4
    assert run.redrive.moved == 4 and run.redrive.method in ("StartMessageMoveTask", "receive-send-delete")
    assert resources.queue_depth(resources.ensure_queue("rt-orders-dlq"))["visible"] == 0
    assert run.all_completed, run.statuses


def test_orders_go_through_the_deployed_api_only_where_its_code_runs(shop, capsys):
    from helpers.real_aws.deployed import api_run

    run = api_run("https://example.invalid/prod", shop, n=3)  # moto: nothing is sent
    assert run.state == "not run" and run.requests == 0 and run.n == 3
    run.show()
    assert "does not run their code" in capsys.readouterr().out


def test_round_trip_is_measured(own_prefix):
    assert 0 < real_aws.round_trip_ms(n=3) < 5000


def test_billed_units_count_requests_and_request_units_not_lambda_usage():
    est = estimate({("sqs", "SendMessage"): 5, ("dynamodb", "PutItem"): 2, ("sts", "GetCallerIdentity"): 1},
                   usage={"lambda.requests": 100})
    assert real_aws.billed_units(est) == 7


def test_the_preflight_list_and_the_wiring_stay_aligned_in_japanese(own_prefix):
    from helpers.core import i18n
    from helpers.core.display import columns
    from helpers.real_aws.deployed import FunctionFacts, Wiring

    pre = real_aws.preflight_07(real_aws.Plan07())
    fn = FunctionFacts(f"{own_prefix}-api", "python3.13", "m.h", 30, 256, "Active")
    wiring = Wiring(fn, fn, 180, {"BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"],
                                  "State": "Enabled"}, {"type": "AWS_PROXY", "uri": ""}, True, ["x"])
    i18n.use_language("ja")
    try:
        listed = [line for line in pre.lines() if line.startswith("  ")]
        wired = wiring.lines()
    finally:
        i18n.reset_language()
    assert any("DynamoDB テーブル (オンデマンド)" in line for line in listed)
    assert any("イベントソースマッピング" in line for line in listed)
    starts = {columns(line[: len(line) - len(line[line.index("  ", 2):].lstrip())]) for line in listed}
    assert len(starts) == 1, listed  # every resource name starts in the same screen column
    assert "ワーカー" in wired[1] and "トリガー" in wired[2]
    values = [fn.name, fn.name, "バッチ", "可視性", "AWS_PROXY", "x"]  # what follows each line's label
    assert [columns(line[: line.index(v)]) for line, v in zip(wired, values, strict=True)] == [18] * 6, wired
