"""07's deploy: the zip, the roles, the timeout check and the lesson's deploy functions (helpers/real_aws/lesson.py),
against moto in this process and a moto server over HTTP. moto stores the functions without running them; the
handlers themselves are run from the extracted zip, in a Lambda-like runtime."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

from helpers.core import resources
from helpers.core.backend import client
from helpers.core.messages import WorkshopError
from helpers.core.moto_endpoint import endpoint_env, moto_server
from helpers.real_aws import lambda_deploy

#: The handlers 07 deploys: the learner's own, saved from 03 and 06.
HANDLERS = ("helpers.queues.lesson.worker_handler", "helpers.together.lesson.lambda_handler")
ROOT = Path(lambda_deploy.__file__).resolve().parents[2]


def _extracted(tmp_path: Path) -> Path:
    code_dir = tmp_path / "task"
    zipfile.ZipFile(io.BytesIO(lambda_deploy.package())).extractall(code_dir)
    return code_dir


def test_the_package_holds_every_helpers_module_the_data_and_powertools():
    names = set(zipfile.ZipFile(io.BytesIO(lambda_deploy.package())).namelist())
    for needed in ["helpers/__init__.py", "helpers/core/workers.py", "helpers/core/backend.py", "data/prices.json",
                   "aws_lambda_powertools/__init__.py", "aws_lambda_powertools/utilities/batch/__init__.py",
                   "aws_lambda_powertools/event_handler/__init__.py", "typing_extensions.py"]:
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    every_module = {p.relative_to(ROOT).as_posix() for p in (ROOT / "helpers").rglob("*.py") if "__pycache__" not in p.parts}
    assert every_module <= names, f"subpackage modules missing from the zip: {sorted(every_module - names)[:5]}"
    text = lambda_deploy.describe_package(lambda_deploy.package(), HANDLERS)
    assert "MISSING" not in text and "helpers/queues/lesson.py" in text


def test_each_handler_imports_from_the_extracted_zip_alone(tmp_path):
    """Only the extracted zip and the venv's site-packages on sys.path, in a fresh process: each handler imports."""
    code_dir = _extracted(tmp_path)
    site = sysconfig.get_paths()["purelib"]
    for handler in HANDLERS:
        module, _, fn = handler.rpartition(".")
        script = textwrap.dedent(f"""
            import sys
            assert sys.path[1:3] == [{str(code_dir)!r}, {site!r}], sys.path
            import importlib
            mod = importlib.import_module({module!r})
            assert mod.__file__.startswith({str(code_dir)!r}), mod.__file__
            assert callable(getattr(mod, {fn!r}))
            print("ok")
            """)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "WORKSHOP_", "PYTHON"))}
        env["PYTHONPATH"] = f"{code_dir}{os.pathsep}{site}"
        out = subprocess.run([sys.executable, "-S", "-c", script], env=env, cwd=tmp_path, capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0 and out.stdout.strip() == "ok", (handler, out.stdout + out.stderr)


def test_inside_lambda_the_backend_chooses_itself(tmp_path):
    """AWS_LAMBDA_FUNCTION_NAME set: the first client() picks WORKSHOP_BACKEND without a use_backend() call."""
    script = "from helpers import client, current; client('sqs').list_queues(); print(current().name)"
    env = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "afs-t-worker", "WORKSHOP_BACKEND": "moto"}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1] == "moto", out.stderr
    del env["AWS_LAMBDA_FUNCTION_NAME"]
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode != 0 and "use_backend" in out.stderr  # outside Lambda: still one clear sentence


def test_roles_trust_lambda_grant_only_their_function_s_needs_and_take_the_boundary(own_prefix, monkeypatch):
    boundary = f"arn:aws:iam::{client('sts').get_caller_identity()['Account']}:policy/afs-workshop-boundary"
    monkeypatch.setenv(lambda_deploy.BOUNDARY_ENV, boundary)
    q = resources.queue_arn(resources.ensure_queue("roles"))
    logs = lambda_deploy.ensure_log_group(resources.name("worker"))
    worker = lambda_deploy.function_policy(logs, consume=q, tables=lambda_deploy.table_arns(["t1"]))
    arn = lambda_deploy.ensure_role("worker-role", worker)
    assert lambda_deploy.ensure_role("worker-role", worker) == arn  # a second call updates, no second role
    role = client("iam").get_role(RoleName=f"{own_prefix}-worker-role")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    by_sid = {s["Sid"]: s for s in worker["Statement"]}
    assert set(by_sid["ConsumeTheQueue"]["Action"]) == set(lambda_deploy.TRIGGER_ACTIONS)
    assert by_sid["ConsumeTheQueue"]["Resource"] == q and "SendToTheQueue" not in by_sid
    assert by_sid["WriteItsOwnLogs"]["Resource"] == f"{logs}:*" and logs.endswith(f"/aws/lambda/{own_prefix}-worker")
    api = lambda_deploy.function_policy(logs, send_to=[q])
    assert [s["Sid"] for s in api["Statement"]] == ["WriteItsOwnLogs", "SendToTheQueue"]
    assert api["Statement"][1]["Action"] == ["sqs:SendMessage"]
    group = client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{own_prefix}-worker")["logGroups"]
    assert group[0].get("retentionInDays") == lambda_deploy.LOG_RETENTION_DAYS


def test_the_visibility_timeout_must_be_six_times_the_function_timeout(own_prefix):
    short = resources.ensure_queue("short-vt", visibility_timeout=60)
    with pytest.raises(WorkshopError, match=r"at least 6 times the function timeout \(180 s\)"):
        lambda_deploy.check_trigger_timeouts(short, 30)
    with pytest.raises(WorkshopError, match="between 1 and 900 seconds"):
        lambda_deploy.check_trigger_timeouts(short, 0)
    assert lambda_deploy.check_trigger_timeouts(resources.ensure_queue("long-vt", visibility_timeout=180), 30) == 180


def _deploy_everything() -> dict[str, str]:
    """07's deploy cells, from helpers/real_aws/lesson.py (the notebook's #@save cells)."""
    from helpers.real_aws import lesson

    url = resources.ensure_queue("lambda-orders", visibility_timeout=180)
    code = lambda_deploy.package()
    logs = lambda_deploy.ensure_log_group(resources.name("worker"))
    role = lambda_deploy.ensure_role("worker-role", lambda_deploy.function_policy(logs, consume=resources.queue_arn(url)))
    env = lambda_deploy.function_environment(EXTRA="1")
    worker = lesson.deploy_function("worker", HANDLERS[0], role, code, timeout_s=30, environment=env)
    api = lesson.deploy_function("api", HANDLERS[1], role, code, timeout_s=10, environment=env)
    mapping = lesson.connect_queue(resources.queue_arn(url), worker)
    api_id = lesson.publish_api(api)
    lesson.allow_api(api, api_id)
    return {"url": url, "worker": worker, "api": api, "mapping": mapping, "api_id": api_id}


def test_the_lesson_deploys_both_handlers_wires_them_and_a_second_run_updates_in_place(own_prefix):
    from helpers.real_aws.deployed import read_wiring, wait_enabled

    first = _deploy_everything()
    assert wait_enabled(first["mapping"]) == "Enabled"
    wiring = read_wiring(f"{own_prefix}-api", f"{own_prefix}-worker", first["url"], first["api_id"], first["mapping"],
                         handlers=[HANDLERS[1], HANDLERS[0]])
    assert wiring.ok, wiring.problems
    assert wiring.worker.runtime == lambda_deploy.RUNTIME == "python3.13" and wiring.worker.timeout_s == 30
    assert wiring.trigger["BatchSize"] == 10 and wiring.api_may_call and wiring.visibility_s == 180
    conf = client("lambda").get_function(FunctionName=f"{own_prefix}-worker")
    env = conf["Configuration"]["Environment"]["Variables"]
    assert env["WORKSHOP_BACKEND"] == "aws" and env["WORKSHOP_PREFIX"] == own_prefix and env["EXTRA"] == "1"
    assert conf.get("Tags", {}).get("prefix") == own_prefix

    second = _deploy_everything()  # Run All twice: the same function, trigger and API, updated
    assert {k: second[k] for k in ("worker", "api", "mapping", "api_id")} == {
        k: first[k] for k in ("worker", "api", "mapping", "api_id")}
    assert len(client("lambda").list_event_source_mappings(FunctionName=first["worker"])["EventSourceMappings"]) == 1
    apis = [a for a in client("apigateway").get_rest_apis()["items"] if a["name"] == f"{own_prefix}-api"]
    assert len(apis) == 1
    statements = json.loads(client("lambda").get_policy(FunctionName=first["api"])["Policy"])["Statement"]
    assert len(statements) == 1 and f":{first['api_id']}/*" in json.dumps(statements[0])

    kinds = {f.kind for f in resources.find_resources()}
    assert {"lambda function", "lambda event source", "api gateway rest api", "iam role", "log group"} <= kinds
    report = resources.teardown()
    assert report.ok, report.lines()
    assert resources.find_resources() == [] and resources.teardown().deleted == []


def test_the_wiring_check_names_what_is_wrong(own_prefix):
    from helpers.real_aws.deployed import read_wiring

    got = _deploy_everything()
    client("sqs").set_queue_attributes(QueueUrl=got["url"], Attributes={"VisibilityTimeout": "60"})
    client("lambda").update_event_source_mapping(UUID=got["mapping"], FunctionResponseTypes=[])
    client("lambda").remove_permission(FunctionName=got["api"], StatementId="api-gateway")
    client("lambda").add_permission(FunctionName=got["api"], StatementId="other", Action="lambda:InvokeFunction",
                                    Principal="apigateway.amazonaws.com",
                                    SourceArn="arn:aws:execute-api:ap-northeast-1:123456789012:other/*")
    wiring = read_wiring(f"{own_prefix}-api", f"{own_prefix}-worker", got["url"], got["api_id"], got["mapping"],
                         handlers=[HANDLERS[0], HANDLERS[1]])
    text = "\n".join(wiring.problems)
    assert not wiring.ok and "visibility timeout 60 s < 6 × 30 s" in text
    assert "partial batch failures" in text and "does not allow this REST API" in text and "the handlers are" in text


def test_the_diagram_reads_the_deployed_api_functions_and_trigger_back(own_prefix):
    from helpers.core.diagrams import draw, real_aws_stage

    got = _deploy_everything()
    d = real_aws_stage(got["url"], None, rest_api_id=got["api_id"])
    api, fn, worker = f"api:{own_prefix}-api", f"function:{own_prefix}-api", f"function:{own_prefix}-worker"
    assert all(d.node(k).source == "backend" for k in (api, fn, worker, f"queue:{own_prefix}-lambda-orders"))
    assert d.edge(api, fn).label == "AWS_PROXY" and d.edge(f"queue:{own_prefix}-lambda-orders", worker).label == "trigger"
    assert "python3.13" in d.node(fn).detail and "batch 10" in d.node(worker).detail
    draw(d)
    gone = real_aws_stage(got["url"], None, rest_api_id="nope123")
    assert gone.node("api").source == "missing"


def test_deploy_and_cleanup_over_http_against_a_moto_server():
    """The same code path as real AWS: a fresh process, WORKSHOP_BACKEND=aws, AWS_ENDPOINT_URL=moto server."""
    script = textwrap.dedent(
        """
        import json, sys
        sys.path.insert(0, "tests")
        from helpers import use_backend
        from helpers.core import resources
        from test_lambda_deploy import _deploy_everything
        info = use_backend(quiet=True)
        resources.set_prefix("t-http")
        first, second = _deploy_everything(), _deploy_everything()
        kinds = sorted({f.kind for f in resources.find_resources()})
        report = resources.teardown()
        print(json.dumps({"backend": info.name, "endpoint": info.endpoint, "same": first == second, "kinds": kinds,
                          "ok": report.ok, "left": len(resources.find_resources()),
                          "again": len(resources.teardown().deleted)}))
        """
    )
    with moto_server() as url:
        out = subprocess.run([sys.executable, "-c", script], env=endpoint_env(url), capture_output=True, text=True,
                             timeout=240, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["backend"] == "aws" and result["endpoint"] == url and result["same"] and result["ok"]
    assert result["kinds"] == ["api gateway rest api", "iam role", "lambda event source", "lambda function",
                               "log group", "sqs queue"]
    assert result["left"] == 0 and result["again"] == 0


LAMBDA_RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


def _lambda_like_runtime(tmp_path: Path) -> str:
    """PYTHONPATH of a Lambda-like runtime: the extracted zip, and only what the Lambda Python runtime has."""
    runtime_dir = tmp_path / "runtime"
    runtime_dir.mkdir()
    for pkg in LAMBDA_RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(pkg)
        origin = os.path.dirname(spec.origin) if spec.submodule_search_locations else spec.origin
        os.symlink(origin, runtime_dir / os.path.basename(origin))
    return f"{_extracted(tmp_path)}{os.pathsep}{runtime_dir}"


def test_the_deployed_handlers_take_an_order_end_to_end_in_a_lambda_like_runtime(tmp_path):
    """The zip and what the Lambda Python runtime has (the standard library and boto3), against a moto server:
    06's API handler accepts an order from an API Gateway event, 03's worker handler completes it from the SQS
    event, and the API handler reports it. The backend is chosen the way it is inside Lambda."""
    script = textwrap.dedent(
        """
        import json, os, sys
        assert not any("site-packages" in p for p in sys.path), sys.path
        for banned in ("moto", "matplotlib", "ipywidgets", "IPython"):
            try:
                __import__(banned)
                raise SystemExit(banned + " is importable: not a Lambda-like runtime")
            except ImportError:
                pass
        from helpers.core import resources
        from helpers.core.workers import sqs_event
        from helpers.shop import Shop
        from helpers.together.api import proxy_event
        shop = Shop.create()  # what 07 does before it deploys: the tables exist
        url = resources.ensure_queue("lambda-orders", visibility_timeout=180)
        os.environ.update(ORDERS_QUEUE_URL=url, ORDERS_TABLE=shop.store.tables["orders"])

        from helpers.queues.lesson import worker_handler
        from helpers.together.lesson import lambda_handler
        order = shop.sample_orders(1)[0]
        headers = {"Host": "abc.execute-api.ap-northeast-1.amazonaws.com", "Content-Type": "application/json"}
        accepted = lambda_handler(proxy_event("POST", "/async/orders", body=json.dumps(order), headers=headers,
                                              stage="prod"), None)
        order_id = json.loads(accepted["body"])["order_id"]
        sqs = resources.client("sqs")
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                   MessageAttributeNames=["All"], AttributeNames=["All"])["Messages"]
        result = worker_handler(sqs_event(msgs, resources.queue_arn(url), "ap-northeast-1"), None)
        status = lambda_handler(proxy_event("GET", f"/orders/{order_id}", headers=headers, stage="prod"), None)
        print(json.dumps({"accepted": accepted["statusCode"], "messages": len(msgs), "result": result,
                          "status": status["statusCode"], "order": json.loads(status["body"])["status"]}))
        """
    )
    with moto_server() as url:
        env = endpoint_env(url)
        env.update({"PYTHONPATH": _lambda_like_runtime(tmp_path), "AWS_LAMBDA_FUNCTION_NAME": "t-runtime-api",
                    "WORKSHOP_PREFIX": "t-runtime", "WORKSHOP_SPEED": "0"})
        out = subprocess.run([sys.executable, "-S", "-c", script], env=env, cwd=tmp_path, capture_output=True,
                             text=True, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "accepted": 202, "messages": 1, "result": {"batchItemFailures": []}, "status": 200, "order": "COMPLETED"}
