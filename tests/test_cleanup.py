"""99_cleanup / make clean-aws: found by prefix and tag from a fresh process, two prefixes never touch
each other, a second run is a no-op, and a resource that cannot be deleted is reported by name."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap

import botocore.exceptions

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.moto_endpoint import endpoint_env, moto_server
from helpers.real_aws import account as real_aws

CREATE = textwrap.dedent(
    """
    import sys
    from helpers import use_backend
    from helpers.core import resources
    from helpers.core.backend import client
    from helpers.fanout.lesson import subscribe_queue
    from helpers.real_aws import lambda_deploy, lesson
    use_backend(quiet=True)
    resources.set_prefix(sys.argv[1])
    dlq = resources.ensure_queue("orders-dlq")
    url = resources.ensure_queue("orders", visibility_timeout=60, dlq_arn=resources.queue_arn(dlq))
    topic = resources.ensure_topic("order-events")
    subscribe_queue(client("sns"), client("sqs"), topic, resources.ensure_queue("shipping"))
    resources.ensure_table("orders")
    if sys.argv[2] == "lambda":  # 07's deploy: a function with its role, logs and trigger, behind a REST API
        logs = lambda_deploy.ensure_log_group(resources.name("worker"))
        role = lambda_deploy.ensure_role("worker-role", lambda_deploy.function_policy(logs, consume=resources.queue_arn(url)))
        fn = lesson.deploy_function("worker", "helpers.queues.lesson.worker_handler", role, lambda_deploy.package(),
                                    timeout_s=10, environment=lambda_deploy.function_environment())
        lesson.connect_queue(resources.queue_arn(url), fn)
        lesson.allow_api(fn, lesson.publish_api(fn))
    print(len(resources.find_resources()))
    """
)
LIST = textwrap.dedent(
    """
    import json, sys
    from helpers import use_backend
    from helpers.core import resources
    use_backend(quiet=True)
    print(json.dumps(sorted(f.kind + " " + f.name for f in resources.find_resources(sys.argv[1]))))
    """
)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=180)


def test_two_prefixes_in_one_account_fresh_processes_and_a_second_run_is_a_no_op():
    """Every step is a fresh process (a fresh kernel) talking to one moto server over HTTP."""
    mine, theirs = f"t-mine{secrets.token_hex(2)}", f"t-them{secrets.token_hex(2)}"
    with moto_server() as url:
        env = endpoint_env(url)
        made_mine = _run(["-c", CREATE, mine, "lambda"], env)
        made_theirs = _run(["-c", CREATE, theirs, "plain"], env)
        assert made_mine.returncode == 0 and made_theirs.returncode == 0, made_mine.stderr + made_theirs.stderr
        assert int(made_mine.stdout.split()[-1]) >= 11  # 3 queues, subscription, topic, table, ESM, function, API, role, logs

        before_theirs = _run(["-c", LIST, theirs], env).stdout

        first = _run(["-m", "helpers.core.cleanup", mine], env)  # what `make clean-aws` runs
        assert first.returncode == 0, first.stdout + first.stderr
        for kind in ["sqs queue", "sns subscription", "sns topic", "dynamodb table", "lambda event source",
                     "lambda function", "api gateway rest api", "iam role", "log group"]:
            assert f"deleted {kind}" in first.stdout, (kind, first.stdout)
        assert f"remaining with prefix {mine}: 0" in first.stdout

        second = _run(["-m", "helpers.core.cleanup", mine], env)
        assert second.returncode == 0 and "deleted" not in second.stdout
        assert f"nothing to delete for prefix {mine}" in second.stdout

        assert json.loads(_run(["-c", LIST, mine], env).stdout) == []
        after_theirs = _run(["-c", LIST, theirs], env).stdout
        assert after_theirs == before_theirs and len(json.loads(after_theirs)) == 6


def test_a_resource_that_cannot_be_deleted_is_reported_by_name_and_the_rest_goes(own_prefix, capsys):
    resources.ensure_queue("fine")
    resources.ensure_topic("fine")
    table = real_aws.practice_protected_table()
    assert real_aws.practice_protected_table() == table  # idempotent

    result = real_aws.cleanup()
    assert not result.ok and not result.report.ok
    assert [(f.kind, f.name) for f, _ in result.report.failed] == [("dynamodb table", table)]
    assert {f.kind for f in result.report.deleted} == {"sqs queue", "sns topic"}
    assert [(f.kind, f.name) for f in result.remaining] == [("dynamodb table", table)]
    result.show()
    out = capsys.readouterr().out
    assert f"Could not delete dynamodb table {table}:" in out
    assert f"remaining with prefix {own_prefix}: 1" in out and f"still there: dynamodb table       {table}" in out

    real_aws.unprotect(table)
    again = real_aws.cleanup()
    assert again.ok and [f.name for f in again.report.deleted] == [table]
    third = real_aws.cleanup()
    assert third.ok and third.found == [] and "Nothing to clean up" in third.lines()[0]


def test_a_queue_that_vanishes_while_listing_is_skipped_not_a_crash(own_prefix, monkeypatch):
    """Real AWS lists a deleted queue for up to 60 s, but asking for its tags fails."""
    gone = resources.ensure_queue("gone")
    kept = resources.ensure_queue("kept")
    sqs = client("sqs")
    real = sqs.list_queue_tags

    def flaky(**kwargs):
        if kwargs["QueueUrl"] == gone:
            raise sqs.exceptions.QueueDoesNotExist(
                {"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue", "Message": "gone"}}, "ListQueueTags"
            )
        return real(**kwargs)

    monkeypatch.setattr(sqs, "list_queue_tags", flaky)
    assert [f.ident for f in resources.find_resources()] == [kept]


def test_deleting_something_already_gone_counts_as_deleted(own_prefix, monkeypatch):
    resources.ensure_queue("twice")
    sqs = client("sqs")
    real = sqs.delete_queue

    def already(**kwargs):
        real(**kwargs)
        raise botocore.exceptions.ClientError(
            {"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue", "Message": "gone"}}, "DeleteQueue"
        )

    monkeypatch.setattr(sqs, "delete_queue", already)
    report = resources.teardown()
    assert report.ok and [f.kind for f in report.deleted] == ["sqs queue"]


def test_an_unexpected_error_is_reported_not_swallowed(own_prefix, monkeypatch):
    resources.ensure_queue("denied")
    sqs = client("sqs")

    def denied(**kwargs):
        raise botocore.exceptions.ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "DeleteQueue")

    monkeypatch.setattr(sqs, "delete_queue", denied)
    report = resources.teardown()
    assert not report.ok and "AccessDenied" in report.failed[0][1]
    monkeypatch.undo()
    assert resources.teardown().ok


def test_a_resource_deleted_without_error_but_still_listed_is_named_with_a_hint(own_prefix, monkeypatch):
    """Real AWS lists a deleted queue for up to a minute: the result says so instead of claiming success."""
    url = resources.ensure_queue("lagging")
    sqs = client("sqs")
    monkeypatch.setattr(sqs, "delete_queue", lambda **kwargs: {})  # accepted, but the queue is still listed
    result = real_aws.cleanup(wait_s=0)
    assert result.report.ok and not result.ok
    assert [f.ident for f in result.remaining] == [url]
    assert any("still listed" in line and url.rsplit("/", 1)[-1] in line for line in result.lines())
    monkeypatch.undo()
    assert real_aws.cleanup().ok


def test_the_command_explains_itself_and_refuses_to_clean_an_empty_mock():
    env = {k: v for k, v in os.environ.items() if k not in {"WORKSHOP_BACKEND", "AWS_ENDPOINT_URL"}}
    helped = _run(["-m", "helpers.core.cleanup", "--help"], env)
    assert helped.returncode == 0 and "prefix" in helped.stdout and "Traceback" not in helped.stderr
    moto = _run(["-m", "helpers.core.cleanup", "afs-someone-1234"], env)
    assert moto.returncode == 2 and "Nothing to clean" in moto.stdout and "WORKSHOP_BACKEND=aws" in moto.stdout
