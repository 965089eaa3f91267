"""Named, tagged, reusable resources, and a teardown that finds them by prefix and tag."""

from __future__ import annotations

import json

import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.messages import WorkshopError
from helpers.fanout.lesson import subscribe_queue


@pytest.fixture
def as_prefix(backend):
    """Run a block under another attendee's prefix, then come back to the session's."""
    mine = resources.prefix()
    suffix = mine.rsplit("-", 1)[-1]

    class Switch:
        def __init__(self, who: str) -> None:
            self.value = f"t-{who}-{suffix}"

        def __enter__(self) -> str:
            resources.set_prefix(self.value)
            return self.value

        def __exit__(self, *exc: object) -> None:
            resources.set_prefix(mine)

    yield Switch
    resources.set_prefix(mine)


def test_names_and_tags_carry_the_prefix(backend):
    url = resources.ensure_queue("named")
    assert url.rsplit("/", 1)[-1] == resources.prefix() + "-named"
    queue_tags = client("sqs").list_queue_tags(QueueUrl=url)["Tags"]
    assert queue_tags["project"] == "async-first-steps" and queue_tags["prefix"] == resources.prefix()
    assert queue_tags["created-at"].endswith("Z")


def test_a_second_run_reuses_and_updates(backend):
    first = resources.ensure_queue("reused", visibility_timeout=30)
    dlq = resources.ensure_queue("reused-dlq")
    second = resources.ensure_queue("reused", visibility_timeout=5, dlq_arn=resources.queue_arn(dlq), max_receive_count=2)
    assert first == second
    attrs = client("sqs").get_queue_attributes(QueueUrl=first, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "5"
    assert json.loads(attrs["RedrivePolicy"])["maxReceiveCount"] in (2, "2")
    assert resources.ensure_table("reused") == resources.ensure_table("reused")
    assert resources.ensure_topic("reused") == resources.ensure_topic("reused")


def test_fifo_queue_and_topic_names(backend):
    url = resources.ensure_queue("ordered", fifo=True, content_based_dedup=True)
    assert url.endswith("-ordered.fifo")
    assert resources.ensure_topic("ordered", fifo=True).endswith("-ordered.fifo")


def test_queue_depth_and_purge(backend):
    url = resources.ensure_queue("depth")
    resources.purge(url)
    client("sqs").send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(7)]
    )
    assert resources.queue_depth(url)["visible"] == 7
    assert resources.purge(url) == 7
    assert resources.queue_depth(url)["visible"] == 0


def test_teardown_removes_everything_of_one_prefix_only_and_twice_is_a_no_op(as_prefix):
    with as_prefix("theirs") as theirs:
        their_queue = resources.ensure_queue("keep-me")
        resources.ensure_table("keep-me")
    with as_prefix("mine") as mine:
        resources.ensure_queue("gone")
        topic = resources.ensure_topic("gone")
        subscribe_queue(client("sns"), client("sqs"), topic, resources.ensure_queue("gone-sub"))
        resources.ensure_table("gone")

        report = resources.teardown()
        assert report.ok, report.lines()
        kinds = {f.kind for f in report.deleted}
        assert {"sqs queue", "sns topic", "sns subscription", "dynamodb table"} <= kinds
        assert all(f.name.startswith(mine) or f.kind == "sns subscription" for f in report.deleted)
        assert resources.find_resources() == []
        assert resources.teardown().deleted == []  # second run: nothing to do

    remaining = {f.name for f in resources.find_resources(theirs)}
    assert their_queue.rsplit("/", 1)[-1] in remaining and f"{theirs}-keep-me" in remaining
    assert resources.teardown(theirs).ok
    assert resources.find_resources(theirs) == []


def test_a_bad_prefix_is_one_sentence(backend):
    with pytest.raises(WorkshopError, match="WORKSHOP_PREFIX"):
        resources.set_prefix("Bad Prefix!")


def test_the_teardown_report_names_kinds_in_the_learners_language_and_lines_up():
    from helpers.core import i18n
    from helpers.core.display import columns

    report = resources.TeardownReport(deleted=[resources.Found("sqs queue", "afs-x-orders", "u1"),
                                               resources.Found("dynamodb table", "afs-x-payments", "u2")])
    assert report.lines()[0].startswith("deleted sqs queue ")
    i18n.use_language("ja")
    try:
        lines = report.lines()
    finally:
        i18n.reset_language()
    assert "SQS キュー" in lines[0] and "DynamoDB テーブル" in lines[1] and "deleted" not in lines[0]
    assert len({columns(line[: line.index("afs-")]) for line in lines}) == 1  # names start in one column
