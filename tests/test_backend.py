"""The backend seam: choosing, clear errors, no escape from moto, serialized calls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import botocore.client
import pytest

from helpers.core import backend as backend_mod
from helpers.core.messages import WorkshopError

from .conftest import LEAK_TRAP, moto_mode

moto_only = pytest.mark.skipif(not moto_mode(), reason="checks moto mode itself")


def run_py(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (a fresh 'kernel') with exactly ``env`` added/overridden."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "WORKSHOP_BACKEND"}
    full.update(env)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120)


def test_unknown_backend_lists_the_valid_ones():
    with pytest.raises(WorkshopError) as err:
        backend_mod.use_backend("localstack")
    assert "moto, aws" in str(err.value) and "'localstack'" in str(err.value)


def test_a_helper_used_before_the_first_cell_says_so():
    out = run_py(
        "from helpers.core.backend import client\n"
        "try:\n    client('sqs')\nexcept Exception as e:\n    print(type(e).__name__, '|', e)\n",
        {},
    )
    assert out.stdout.startswith("WorkshopError | The backend is not set up yet"), out.stderr


def test_aws_without_credentials_is_one_clear_sentence():
    out = run_py(
        "from helpers.core.backend import use_backend\n"
        "try:\n    use_backend('aws')\nexcept Exception as e:\n    print(type(e).__name__, '|', e)\n",
        {
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_EC2_METADATA_DISABLED": "true",
        },
    )
    assert "WorkshopError | WORKSHOP_BACKEND=aws but no AWS credentials were found" in out.stdout, out.stderr


def test_unreachable_endpoint_is_one_clear_sentence():
    out = run_py(
        "from helpers.core.backend import use_backend\n"
        "try:\n    use_backend('aws')\nexcept Exception as e:\n    print(type(e).__name__, '|', e)\n",
        {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"},
    )
    assert "WorkshopError | Cannot reach the endpoint http://127.0.0.1:9" in out.stdout, out.stderr


def test_the_leak_trap_is_armed_without_moto():
    """Proof that the trap in conftest works: a client outside moto cannot reach anything."""
    trap = {k: v for k, v in LEAK_TRAP.items() if k != "AWS_PROFILE"}
    out = run_py(
        "import boto3\n"
        "try:\n    boto3.client('sqs', region_name='ap-northeast-1').list_queues(); print('REACHED')\n"
        "except Exception as e:\n    print('BLOCKED', type(e).__name__)\n",
        trap,
    )
    assert out.stdout.startswith("BLOCKED"), out.stdout + out.stderr


def test_moto_mode_never_leaves_the_machine_even_with_real_looking_credentials():
    out = run_py(
        "import os, json\n"
        "from helpers.core.backend import use_backend, client\n"
        "info = use_backend('moto', quiet=True)\n"
        "client('sqs').create_queue(QueueName='q')\n"
        "n = len(client('sqs').list_queues()['QueueUrls'])\n"
        "print(json.dumps({'region': info.region, 'account': info.account, 'n': n,\n"
        "  'profile': os.environ.get('AWS_PROFILE'), 'key': os.environ['AWS_ACCESS_KEY_ID']}))\n",
        {**LEAK_TRAP, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"},
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["key"] != LEAK_TRAP["AWS_ACCESS_KEY_ID"]  # fake credentials replaced the real-looking ones
    del seen["key"]
    assert seen == {"region": "ap-northeast-1", "account": "123456789012", "n": 1, "profile": None}
    assert "ignored in moto mode" in out.stderr


def test_region_can_be_chosen():
    out = run_py(
        "from helpers.core.backend import use_backend\nprint(use_backend('moto', quiet=True).region)",
        {"AWS_DEFAULT_REGION": "us-east-1"},
    )
    assert out.stdout.strip() == "us-east-1", out.stderr


def test_first_cell_says_where_calls_go(backend, capsys):
    again = backend_mod.use_backend()  # a second "Run All": same backend, nothing restarted
    printed = capsys.readouterr().out
    assert again == backend
    assert backend.region in printed and backend.account in printed
    assert ("moto" in printed) if moto_mode() else ("NOT real AWS" in printed)


def test_every_call_goes_through_botocores_single_entry_point(backend):
    """The thread-safety fix wraps BaseClient._make_api_call: fail loudly if botocore drops it."""
    assert hasattr(botocore.client.BaseClient, "_make_api_call"), "botocore changed: revisit helpers/core/backend.py"
    sqs = backend_mod.client("sqs")
    assert getattr(sqs._make_api_call, "__wrapped__", None) is not None
    before = backend_mod.count_api_calls("sqs", "ListQueues")
    sqs.list_queues()
    list(sqs.get_paginator("list_queues").paginate())  # paginators go through it too
    assert backend_mod.count_api_calls("sqs", "ListQueues") == before + 2


@pytest.mark.skipif(
    not (moto_mode() or os.environ.get("AWS_ENDPOINT_URL")), reason="serialization is for moto and emulators"
)
def test_a_long_poll_does_not_block_other_calls_and_wakes_on_send(backend):
    from helpers.core.backend import client
    from helpers.core.resources import ensure_queue, purge

    url = ensure_queue("longpoll")
    purge(url)
    sqs = client("sqs")
    got: dict[str, object] = {}

    def poll() -> None:
        got["response"] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10, MaxNumberOfMessages=1)
        got["returned_at"] = time.monotonic()

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)
    for _ in range(5):  # would wait for the whole 10 s poll if it held the lock
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    sqs.send_message(QueueUrl=url, MessageBody="wake up")
    sent_at = time.monotonic()
    poller.join(timeout=15)
    assert not poller.is_alive()
    assert [m["Body"] for m in got["response"]["Messages"]] == ["wake up"]
    assert got["returned_at"] - sent_at < 5  # woken by the send, not by the 10 s deadline


def test_a_workshop_error_in_a_notebook_is_one_sentence_not_a_traceback():
    """In Jupyter, a WorkshopError (a failed claim, bad input) shows its sentence once, and fails the cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("from helpers import claim\nclaim(False, 'three is more than four')")]
    )
    runner = NotebookClient(nb, timeout=120, kernel_name="python3")
    with pytest.raises(CellExecutionError):
        runner.execute()
    outputs = nb.cells[0].outputs
    errors = [o for o in outputs if o.output_type == "error"]
    assert len(errors) == 1, outputs
    shown = "\n".join(errors[0].traceback)
    assert "Claim no longer true: three is more than four" in shown
    assert "Traceback" not in shown and "File " not in shown


@pytest.mark.skipif(
    not (moto_mode() or os.environ.get("AWS_ENDPOINT_URL")), reason="only emulated long polls can be interrupted"
)
def test_an_emulated_long_poll_can_be_interrupted(backend):
    from helpers.core.resources import ensure_queue, purge

    url = ensure_queue("interrupted")
    purge(url)
    sqs = backend_mod.client("sqs")
    done = threading.Event()

    def poll() -> None:
        sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)
        done.set()

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)
    assert not done.is_set()
    backend_mod.interrupt_long_poll(poller.ident)
    assert done.wait(3), "the long poll ignored the interruption"
    poller.join()
