"""Deploying the worker handler as a Lambda with an SQS trigger: against moto (in-process, and a moto
server over HTTP). moto accepts the calls without running the code; the package is run locally."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.messages import WorkshopError
from helpers.core.moto_endpoint import endpoint_env, moto_server
from helpers.real_aws import lambda_deploy


def test_the_package_holds_the_helpers_data_and_powertools():
    names = set(zipfile.ZipFile(io.BytesIO(lambda_deploy.package())).namelist())
    for needed in ["helpers/__init__.py", "helpers/real_aws/lambda_deploy.py", "helpers/core/workers.py", "helpers/core/backend.py",
                   "data/prices.json", "aws_lambda_powertools/__init__.py",
                   "aws_lambda_powertools/utilities/batch/__init__.py", "typing_extensions.py"]:
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    root = Path(lambda_deploy.__file__).resolve().parents[2]
    every_module = {p.relative_to(root).as_posix() for p in (root / "helpers").rglob("*.py") if "__pycache__" not in p.parts}
    assert every_module <= names, f"subpackage modules missing from the zip: {sorted(every_module - names)[:5]}"


def test_the_packaged_entry_point_runs_on_its_own_with_partial_batch_failures(tmp_path):
    """Unzip the package and call the entry point from it (as Lambda would): one failing record comes back alone."""
    zipfile.ZipFile(io.BytesIO(lambda_deploy.package())).extractall(tmp_path)
    code = textwrap.dedent(
        f"""
        import json, helpers
        assert helpers.__file__.startswith({str(tmp_path)!r}), helpers.__file__
        from helpers.real_aws.lambda_deploy import lambda_handler
        from helpers.core.workers import fake_sqs_event
        import helpers.queues.async_shop, helpers.shop.store  # what shop_record needs, from the extracted copy
        assert helpers.queues.async_shop.__file__.startswith({str(tmp_path)!r})
        event = fake_sqs_event([json.dumps({{"fail": True}}), json.dumps({{"order_id": "o-1"}})])
        print(json.dumps(lambda_handler(event, None)))
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WORKSHOP_"))}
    env.update({"PYTHONPATH": str(tmp_path), "WORKSHOP_BACKEND": "moto"})
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}


def test_deploy_creates_role_function_logs_and_trigger_and_a_second_deploy_updates(own_prefix):
    url = resources.ensure_queue("orders-in", visibility_timeout=45)
    first = lambda_deploy.deploy(url, environment={"SHOP_SPEED": "0.1"})
    lam, iam = client("lambda"), client("iam")

    fn = lam.get_function(FunctionName=f"{own_prefix}-worker")
    conf = fn["Configuration"]
    assert conf["Runtime"] == "python3.11" and conf["Handler"] == "helpers.real_aws.lambda_deploy.lambda_handler"
    assert conf["Timeout"] == 30 and conf["Role"] == first.role_arn
    env = conf["Environment"]["Variables"]
    assert env["WORKSHOP_BACKEND"] == "aws" and env["WORKSHOP_PREFIX"] == own_prefix
    assert env["WORKSHOP_RECORD_FN"] == "helpers.real_aws.lambda_deploy:record_arrival" and env["SHOP_SPEED"] == "0.1"
    assert fn.get("Tags", {}).get("prefix") == own_prefix

    role = iam.get_role(RoleName=f"{own_prefix}-worker-role")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    inline = iam.get_role_policy(RoleName=role["RoleName"], PolicyName="worker")["PolicyDocument"]
    inline = json.loads(inline) if isinstance(inline, str) else inline
    consume = inline["Statement"][0]
    assert set(consume["Action"]) == {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
    assert consume["Resource"] == resources.queue_arn(url)

    esm = lam.get_event_source_mapping(UUID=first.mapping_uuid)
    assert esm["EventSourceArn"] == resources.queue_arn(url) and esm["BatchSize"] == 10
    assert esm["FunctionResponseTypes"] == ["ReportBatchItemFailures"] and esm["State"] == "Enabled"

    group = client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{own_prefix}-worker")["logGroups"]
    assert [g["logGroupName"] for g in group] == [f"/aws/lambda/{own_prefix}-worker"]
    assert group[0].get("retentionInDays") == 1

    second = lambda_deploy.deploy(url, memory_mb=512)
    assert (second.mapping_uuid, second.function_arn, second.role_arn) == (
        first.mapping_uuid, first.function_arn, first.role_arn)
    assert lam.get_function(FunctionName=f"{own_prefix}-worker")["Configuration"]["MemorySize"] == 512
    assert len(lam.list_event_source_mappings(FunctionName=first.function_arn)["EventSourceMappings"]) == 1

    kinds = {f.kind for f in resources.find_resources()}
    assert {"lambda function", "lambda event source", "iam role", "log group", "sqs queue"} <= kinds
    report = resources.teardown()
    assert report.ok, report.lines()
    assert resources.find_resources() == []
    assert resources.teardown().deleted == []


def test_a_permissions_boundary_is_attached_when_the_instructor_set_one(own_prefix, monkeypatch):
    boundary = f"arn:aws:iam::{client('sts').get_caller_identity()['Account']}:policy/afs-workshop-boundary"
    monkeypatch.setenv("WORKSHOP_PERMISSIONS_BOUNDARY", boundary)
    lambda_deploy.deploy(resources.ensure_queue("bounded", visibility_timeout=30))
    role = client("iam").get_role(RoleName=f"{own_prefix}-worker-role")["Role"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary


def test_a_timeout_longer_than_the_visibility_timeout_is_refused_with_a_sentence(own_prefix):
    url = resources.ensure_queue("short-vt", visibility_timeout=10)
    with pytest.raises(WorkshopError, match="visibility timeout"):
        lambda_deploy.deploy(url, timeout_s=20)
    with pytest.raises(WorkshopError, match="module:function"):
        lambda_deploy.deploy(url, record_fn="helpers.real_aws.lambda_deploy.record_arrival")
    assert lambda_deploy.deploy(url).timeout_s == 10  # default: the visibility timeout, capped at 30 s


def test_deploy_and_cleanup_over_http_against_a_moto_server():
    """The same code path as real AWS: a fresh process, WORKSHOP_BACKEND=aws, AWS_ENDPOINT_URL=moto server."""
    script = textwrap.dedent(
        """
        import json
        from helpers import use_backend
        from helpers.core import resources
        from helpers.real_aws import lambda_deploy
        info = use_backend(quiet=True)
        resources.set_prefix("t-http")
        url = resources.ensure_queue("in", visibility_timeout=60)
        d1 = lambda_deploy.deploy(url)
        d2 = lambda_deploy.deploy(url)
        kinds = sorted({f.kind for f in resources.find_resources()})
        report = resources.teardown()
        print(json.dumps({"backend": info.name, "endpoint": info.endpoint, "state": d1.mapping_state,
                          "same": d1.mapping_uuid == d2.mapping_uuid, "kinds": kinds, "ok": report.ok,
                          "left": len(resources.find_resources()), "again": len(resources.teardown().deleted)}))
        """
    )
    with moto_server() as url:
        out = subprocess.run([sys.executable, "-c", script], env=endpoint_env(url), capture_output=True, text=True,
                             timeout=180)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["backend"] == "aws" and result["endpoint"] == url
    assert result["state"] == "Enabled" and result["same"] and result["ok"]
    assert result["kinds"] == ["iam role", "lambda event source", "lambda function", "log group", "sqs queue"]
    assert result["left"] == 0 and result["again"] == 0


LAMBDA_RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


def test_the_package_processes_a_real_order_in_a_lambda_like_runtime(tmp_path):
    """Only what the Lambda Python runtime has (the standard library and boto3) plus the zip: the
    shop's worker handler processes an order accepted through SQS, against a moto server over HTTP."""
    import importlib.util

    code_dir, runtime_dir = tmp_path / "task", tmp_path / "runtime"
    zipfile.ZipFile(io.BytesIO(lambda_deploy.package())).extractall(code_dir)
    runtime_dir.mkdir()
    for pkg in LAMBDA_RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(pkg)
        origin = os.path.dirname(spec.origin) if spec.submodule_search_locations else spec.origin
        os.symlink(origin, runtime_dir / os.path.basename(origin))
    script = textwrap.dedent(
        """
        import json, sys
        assert not any("site-packages" in p for p in sys.path), sys.path
        for banned in ("moto", "matplotlib", "tqdm", "ipywidgets"):
            try:
                __import__(banned)
                raise SystemExit(banned + " is importable: not a Lambda-like runtime")
            except ImportError:
                pass
        from helpers import use_backend
        from helpers.core import resources
        from helpers.core.backend import client
        use_backend(quiet=True)
        resources.set_prefix("t-runtime")
        from helpers.queues.async_shop import AsyncShop
        from helpers.shop import set_speed
        set_speed(0)
        ashop = AsyncShop.create()
        accepted = ashop.accept_order(ashop.shop.sample_orders(1)[0])
        msgs = client("sqs").receive_message(QueueUrl=ashop.queue_url, MaxNumberOfMessages=1,
                                             WaitTimeSeconds=1, MessageAttributeNames=["All"],
                                             AttributeNames=["All"])["Messages"]
        from helpers.core.workers import sqs_event
        event = sqs_event(msgs, resources.queue_arn(ashop.queue_url), "ap-northeast-1")
        from helpers.real_aws.lambda_deploy import lambda_handler
        result = lambda_handler(event, None)
        print(json.dumps({"result": result, "status": ashop.status(accepted.order_id)}))
        """
    )
    with moto_server() as url:
        env = endpoint_env(url)
        env.update({"PYTHONPATH": f"{code_dir}:{runtime_dir}", "WORKSHOP_RECORD_FN": "helpers.real_aws.lambda_deploy:shop_record",
                    "WORKSHOP_SPEED": "0"})
        out = subprocess.run([sys.executable, "-S", "-c", script], env=env, cwd=tmp_path, capture_output=True,
                             text=True, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"result": {"batchItemFailures": []},
                                                               "status": "COMPLETED"}
