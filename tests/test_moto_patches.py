"""The moto speed fix: still applies to the pinned moto, and changes no behaviour."""

from __future__ import annotations

import importlib.metadata
import time

from helpers.core import moto_patches
from helpers.core.backend import client
from helpers.core.resources import ensure_queue, purge

from .conftest import moto_mode


def test_moto_is_the_version_the_fix_was_made_for():
    assert importlib.metadata.version("moto") == moto_patches.TESTED_MOTO, (
        "moto was upgraded: re-measure ReceiveMessage with a backlog (make bench) and check "
        "helpers/core/moto_patches.py still matches moto's SQSBackend before bumping TESTED_MOTO"
    )


def test_the_fix_applies_to_this_moto(backend):
    from moto.sqs import models

    if moto_mode():
        assert moto_patches.is_applied()
    assert moto_patches.apply(), "moto's SQS internals changed: helpers/core/moto_patches.py no longer applies"
    assert models.SQSBackend.is_message_valid_based_on_retention_period is moto_patches._retention_check_fast


def test_expired_messages_are_still_not_delivered(backend):
    url = ensure_queue("retention", attributes={"MessageRetentionPeriod": "60"})
    purge(url)
    sqs = client("sqs")
    sqs.send_message(QueueUrl=url, MessageBody="fresh")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    assert [m["Body"] for m in got] == ["fresh"]
    if moto_mode():  # age the message in the in-process mock: it must no longer be handed out
        from moto.sqs.models import sqs_backends

        name = url.rsplit("/", 1)[-1]
        queue = next(q for b in sqs_backends.values() for r in b.values() for n, q in r.queues.items() if n == name)
        assert int(queue.message_retention_period) == 60  # the attribute the fix reads
        for message in queue._messages:
            message.sent_timestamp = int((time.time() - 120) * 1000)
        assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []) == []
    purge(url)
