"""The cost estimate: API calls (the seam's counter) priced with the dated table in data/prices.json."""

from __future__ import annotations

import json
import re

import pytest

from helpers.core.backend import client
from helpers.core.messages import WorkshopError
from helpers.real_aws import cost, iam_policy


def test_the_price_table_is_dated_sourced_and_for_tokyo():
    raw = json.loads(cost.PRICES_FILE.read_text())
    assert raw["region"] == "ap-northeast-1" and raw["currency"] == "USD" and raw["approximate"] is True
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw["as_of"])
    table = cost.load_prices()
    for key, price in table.items.items():
        assert price.source.startswith("https://aws.amazon.com/"), key
        assert price.usd >= 0 and price.per > 0 and price.unit, key
    for needed in ["sqs.requests", "sns.requests", "sns.sqs_deliveries", "dynamodb.write_request_units",
                   "dynamodb.read_request_units", "lambda.requests", "lambda.gb_seconds"]:
        assert needed in table.items
    assert table.items["sqs.requests"].usd_per_unit == pytest.approx(0.40 / 1e6)


def test_every_service_the_workshop_calls_is_priced_or_declared_free():
    table = cost.load_prices()
    for service in iam_policy.used_services():
        try:
            cost.billing_line(service, "AnyOperation", table)
        except KeyError:
            pytest.fail(f"calls to {service} would be 'unpriced': add it to data/prices.json")


def test_calls_are_priced_by_billing_line():
    calls = {
        ("sqs", "SendMessageBatch"): 10,
        ("sqs", "ReceiveMessage"): 990,
        ("dynamodb", "PutItem"): 1000,
        ("dynamodb", "GetItem"): 500,
        ("dynamodb", "CreateTable"): 1,
        ("sts", "GetCallerIdentity"): 2,
        ("sns", "Publish"): 4,
    }
    est = cost.estimate(calls)
    rows = {r.key: r for r in est.rows}
    assert rows["sqs.requests"].quantity == 1000
    assert rows["sqs.requests"].calls == {"sqs:ReceiveMessage": 990, "sqs:SendMessageBatch": 10}
    assert rows["dynamodb.write_request_units"].quantity == 1000
    assert rows["dynamodb.read_request_units"].quantity == 500
    assert rows["sns.requests"].quantity == 4
    assert est.free_calls == {"dynamodb:CreateTable": 1, "sts:GetCallerIdentity": 2}
    assert not est.unpriced
    expected = 1000 * 0.40e-6 + 1000 * 0.715e-6 + 500 * 0.143e-6 + 4 * 0.50e-6
    assert est.total_usd == pytest.approx(expected)
    assert est.total_calls == sum(calls.values())


def test_unknown_calls_are_listed_never_dropped():
    est = cost.estimate({("s3", "PutObject"): 3, ("sqs", "SendMessage"): 1})
    assert est.unpriced == {"s3:PutObject": 3}
    assert "s3:PutObject ×3" in est.table()


def test_lambda_usage_bills_requests_and_gb_seconds():
    usage = cost.lambda_usage(100, 120.2, memory_mb=256)
    assert usage == {"lambda.requests": 100.0, "lambda.gb_seconds": pytest.approx(100 * 0.121 * 0.25)}
    est = cost.estimate({}, usage=usage)
    assert est.total_usd == pytest.approx(100 * 0.20e-6 + 3.025 * 0.0000166667)


@pytest.mark.parametrize(
    "call",
    [
        lambda: cost.estimate({}, usage={"lambda.requests": -1}),
        lambda: cost.estimate({}, usage={"ec2.hours": 1}),
        lambda: cost.lambda_usage(-5, 10),
        lambda: cost.load_prices("/nonexistent/prices.json"),
    ],
)
def test_bad_input_is_one_sentence(call):
    with pytest.raises(WorkshopError) as err:
        call()
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


def test_the_default_counts_are_this_kernels_calls(backend):
    before = cost.estimate()
    client("sqs").list_queues()
    after = cost.estimate()
    assert after.total_calls == before.total_calls + 1
    assert after.total_usd == pytest.approx(before.total_usd + 0.40e-6)


def test_the_table_and_the_printout_say_what_the_prices_are(capsys):
    est = cost.estimate({("sqs", "SendMessage"): 3}, region="us-east-1")
    est.show()
    out = capsys.readouterr().out
    assert "estimated total" in out and "sqs.requests" in out
    assert cost.load_prices().as_of in out and "ap-northeast-1" in out and "us-east-1" in out


def test_plot_requests_labels_axes_with_units():
    import matplotlib

    matplotlib.use("Agg")
    ax = cost.plot_requests(cost.estimate({("sqs", "SendMessage"): 3, ("sqs", "ReceiveMessage"): 5}))
    assert "(count)" in ax.get_xlabel() and ax.get_title()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sqs:SendMessage", "sqs:ReceiveMessage"]


def test_the_estimate_names_what_it_leaves_out_and_the_table_says_its_date(capsys):
    table = cost.load_prices()
    assert table.as_of in table.describe() and table.region == "ap-northeast-1" and table.region in table.describe()
    storage = table.items["dynamodb.storage_gb_month"]
    assert storage.usd > 0 and "idle" in storage.note
    cost.estimate({("sqs", "SendMessage"): 1}).show()
    out = capsys.readouterr().out
    assert "idle on-demand table" in out and f"{storage.usd:.3f}" in out
    assert "FilterPolicyScope MessageBody" in out and "billed per GB" in out


def test_requests_through_api_gateway_are_priced_and_its_management_calls_are_free():
    est = cost.estimate({("apigateway", "CreateRestApi"): 1}, usage={"apigateway.rest_requests": 1_000_000})
    assert est.free_calls == {"apigateway:CreateRestApi": 1}
    assert est.total_usd == pytest.approx(cost.load_prices().items["apigateway.rest_requests"].usd)


def test_the_table_stays_aligned_in_japanese():
    from helpers.core import i18n
    from helpers.core.display import columns

    est = cost.estimate({("sqs", "SendMessage"): 3, ("sns", "Publish"): 2})
    english = est.table().splitlines()
    i18n.use_language("ja")
    try:
        lines = est.table().splitlines()
    finally:
        i18n.reset_language()
    assert english[0].startswith("what ") and "項目" in lines[0] and "見積もりの合計" in lines[-1]
    body = [line for line in lines[:-1] if not line.startswith(("-", "+"))]  # header, rows and the total
    assert {columns(line) for line in body} == {75}, lines  # 34 + 12 + 14 + 12 screen columns and 3 spaces
    assert all(columns(line[:-13]) == 62 for line in body[:-1]), lines  # the unit price column ends in one place
