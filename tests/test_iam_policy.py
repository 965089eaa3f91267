"""data/iam-policy.json allows exactly what the workshop calls: every call allowed, nothing more, no wildcards."""

from __future__ import annotations

import json
import re

import pytest

from helpers.core.backend import API_CALLS
from helpers.real_aws import iam_policy

POLICY = iam_policy.render()
ACTION_RE = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$")


@pytest.fixture(scope="module")
def calls() -> dict[str, set[str]]:
    return iam_policy.called_actions()


def test_the_policy_is_plain_allow_statements_without_wildcard_actions():
    statements = iam_policy.statements(POLICY)
    assert POLICY["Version"] == "2012-10-17" and statements
    for st in statements:
        assert st["Effect"] == "Allow" and "NotAction" not in st and "NotResource" not in st, st.get("Sid")
        for action in iam_policy._as_list(st["Action"]):
            assert ACTION_RE.match(action), f"{st['Sid']}: {action!r} is not one exact action (no '*')"
    sids = [st["Sid"] for st in statements]
    assert len(sids) == len(set(sids)), "statement ids must be unique"


def test_every_action_the_workshop_calls_is_allowed(calls):
    needed = iam_policy.required_actions(calls)
    missing = sorted(needed - iam_policy.policy_actions(POLICY))
    where = {a: sorted(w for c, w_set in calls.items() for w in w_set if iam_policy.iam_action(*c.split(":")) == a)
             for a in missing}
    assert not missing, (
        "data/iam-policy.json does not allow these actions the code calls — add them to the statement of "
        f"their resource (and to the README's list): {where}"
    )


def test_the_policy_allows_nothing_the_workshop_does_not_call(calls):
    extra = sorted(iam_policy.policy_actions(POLICY) - iam_policy.required_actions(calls))
    assert not extra, f"data/iam-policy.json allows actions no helper or notebook calls (remove them): {extra}"


def test_the_scan_sees_the_core_flows(calls):
    """Guard against the scanner going blind: these calls are certainly made."""
    for call in ["sqs:CreateQueue", "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessageBatch",
                 "sns:Subscribe", "dynamodb:CreateTable", "dynamodb:DescribeTable", "lambda:CreateFunction",
                 "lambda:CreateEventSourceMapping", "iam:CreateRole", "logs:DeleteLogGroup"]:
        assert call in calls, f"the scanner no longer finds {call}"


def test_resource_star_only_where_aws_cannot_scope_or_a_condition_does():
    for st in iam_policy.statements(POLICY):
        resources = iam_policy._as_list(st["Resource"])
        if "*" in resources:
            actions = set(iam_policy._as_list(st["Action"]))
            assert actions <= iam_policy.UNSCOPABLE or "Condition" in st, (
                f"{st['Sid']}: Resource '*' is only for actions AWS cannot scope; scope these: "
                f"{sorted(actions - iam_policy.UNSCOPABLE)}"
            )


def test_every_scoped_resource_is_the_prefix_and_render_narrows_it():
    rendered = iam_policy.render("t-alice-1a2b", account="123456789012", region="ap-northeast-1")
    text = json.dumps(rendered)
    assert "afs-*" not in text
    for st in iam_policy.statements(rendered):
        for res in iam_policy._as_list(st["Resource"]):
            if res == "*" or res.endswith(":event-source-mapping:*"):
                assert "Condition" in st or set(iam_policy._as_list(st["Action"])) <= iam_policy.UNSCOPABLE
                continue
            if res.startswith("arn:aws:apigateway:"):  # REST APIs are named by random ids: scoped by their tag
                assert res.startswith("arn:aws:apigateway:ap-northeast-1::/"), res
                tagged = "t-alice-1a2b-*" in json.dumps(st.get("Condition", {}))
                listing = res.endswith("::/restapis") and iam_policy._as_list(st["Action"]) == ["apigateway:GET"]
                assert tagged or listing, f"{st['Sid']}: {res} is neither limited by the prefix tag nor a listing"
                continue
            assert "t-alice-1a2b-*" in res, f"{st['Sid']}: {res} is not limited to the prefix"
            assert ":123456789012:" in res and (":ap-northeast-1:" in res or res.startswith("arn:aws:iam::")), res
    conditions = json.dumps([st.get("Condition") for st in iam_policy.statements(rendered)])
    assert "function:t-alice-1a2b-*" in conditions  # event source mappings only for our functions
    assert "afs-workshop-boundary" in conditions  # roles only with the shared boundary


def test_batch_operations_are_granted_by_their_single_action():
    assert iam_policy.iam_action("sqs", "SendMessageBatch") == "sqs:SendMessage"
    actions = iam_policy.policy_actions(POLICY)
    assert not actions & set(iam_policy.ACTION_OF_OPERATION), "batch calls are not IAM actions"


def test_the_scanner_resolves_clients_paginators_waiters_and_passed_methods():
    src = '''
from helpers.core.backend import client
def f(retry):
    sqs = client("sqs")
    sqs.send_message_batch(QueueUrl="u", Entries=[])
    ddb = client("dynamodb")
    _paginate(ddb, "list_tables", "TableNames")
    ddb.get_waiter("table_exists").wait(TableName="t")
    lam = client("lambda")
    retry(lam.create_function, FunctionName="f")
    client("sns").tag_resource(ResourceArn="a", Tags=[])
    lam.tag_resource(Resource="a", Tags={})
    self_made.publish_order()   # not an operation
'''
    found = iam_policy.scan_source(src, {"sqs", "dynamodb", "lambda", "sns", "logs"})
    assert found == {
        "sqs:SendMessageBatch", "dynamodb:ListTables", "dynamodb:DescribeTable", "lambda:CreateFunction",
        "sns:TagResource", "lambda:TagResource",
    }


def test_the_functions_roles_fit_inside_the_permissions_boundary():
    from helpers.real_aws.lambda_deploy import function_policy

    boundary = json.loads(iam_policy.BOUNDARY_FILE.read_text())
    allowed = iam_policy.policy_actions(boundary)
    role = function_policy(
        "arn:aws:logs:ap-northeast-1:1:log-group:/aws/lambda/afs-x-worker", consume="arn:aws:sqs:ap-northeast-1:1:afs-x-q",
        tables=["arn:aws:dynamodb:ap-northeast-1:1:table/afs-x-t"], send_to=["arn:aws:sqs:ap-northeast-1:1:afs-x-q2"],
    )
    assert iam_policy.policy_actions(role) <= allowed
    for st in iam_policy.statements(boundary):
        for action in iam_policy._as_list(st["Action"]):
            assert ACTION_RE.match(action)
        for res in iam_policy._as_list(st["Resource"]):
            assert "afs-*" in res


def test_calls_recorded_at_runtime_are_allowed(own_prefix):
    """The helpers' calls as the seam counts them at runtime (not only as the scanner reads them):
    resources with a DLQ and a subscription, a Lambda deploy, and the cleanup, under a prefix of its own.
    (Tests call extra inspection APIs directly, so only the calls made here are checked.)"""
    from collections import Counter

    from helpers.core import resources
    from helpers.core.backend import client
    from helpers.fanout.lesson import subscribe_queue
    from helpers.real_aws import account as real_aws
    from helpers.real_aws import lambda_deploy, lesson

    before = Counter(API_CALLS)
    dlq = resources.ensure_queue("iam-dlq")
    url = resources.ensure_queue("iam-check", visibility_timeout=60, dlq_arn=resources.queue_arn(dlq))
    subscribe_queue(client("sns"), client("sqs"), resources.ensure_topic("iam-topic"), dlq, filter_policy={"kind": ["a"]})
    resources.ensure_table("iam-table")
    resources.queue_depth(url)
    resources.purge(url)
    for _ in range(2):  # 07's deploy cells, twice: create, then update
        logs = lambda_deploy.ensure_log_group(resources.name("worker"))
        role = lambda_deploy.ensure_role("worker-role", lambda_deploy.function_policy(logs, consume=resources.queue_arn(url)))
        fn = lesson.deploy_function("worker", "helpers.queues.lesson.worker_handler", role, lambda_deploy.package(),
                                    timeout_s=10, environment=lambda_deploy.function_environment())
        lesson.connect_queue(resources.queue_arn(url), fn)
        lesson.allow_api(fn, lesson.publish_api(fn))
    result = real_aws.cleanup()
    assert result.ok, result.lines()
    made = Counter(API_CALLS) - before
    recorded = {f"{svc}:{op}" for (svc, op) in made}
    assert {"lambda:CreateFunction", "lambda:UpdateFunctionCode", "iam:CreateRole", "sqs:DeleteQueue",
            "apigateway:CreateRestApi", "apigateway:PutIntegration", "apigateway:DeleteRestApi"} <= recorded
    denied = sorted(a for a in iam_policy.required_actions(recorded) if not iam_policy.allows(POLICY, a))
    assert not denied, f"calls made at runtime that data/iam-policy.json does not allow: {denied}"


def test_the_cli_checks_prints_calls_and_renders_for_a_prefix(capsys):
    assert iam_policy.main(["--check"]) == 0
    assert "is exact" in capsys.readouterr().out
    iam_policy.main(["--calls"])
    assert "sqs:CreateQueue" in capsys.readouterr().out
    iam_policy.main(["t-bob-9f9f"])
    rendered = json.loads(capsys.readouterr().out)
    assert "arn:aws:sqs:*:*:t-bob-9f9f-*" in json.dumps(rendered)
