"""The plumbing of 07's deploy: the code zip, the execution roles, the log groups, the timeout check.

07 deploys the handlers the learner wrote (03's worker, 06's API) with boto3 calls in its own
cells: ``create_function``, ``create_event_source_mapping``, API Gateway's ``create_rest_api`` …
What those calls need, and what is not the lesson, lives here:

* :func:`package` — the deployment zip: every module of ``helpers/`` (every subpackage: the
  lessons' ``lesson.py`` import across them), ``data/*.json`` and the packages the Lambda Python
  runtime does not have (Powertools); boto3 it has.
* :func:`ensure_role` — an execution role ``<prefix>-<short>`` that Lambda may assume, with one
  inline policy from :func:`function_policy`: only what that function does (receive from its
  queue, or send to it; the shop's tables; its own log group). If the instructor set
  ``WORKSHOP_PERMISSIONS_BOUNDARY``, the role gets that permissions boundary, which the workshop
  IAM policy requires. On real AWS a new role takes a few seconds before Lambda can use it, so
  :func:`ensure_role` waits for that.
* :func:`ensure_log_group` — ``/aws/lambda/<function>`` created by us, tagged and kept one day, so
  99_cleanup finds it (the roles may not create log groups themselves).
* :func:`check_trigger_timeouts` — the queue's visibility timeout, read back, against the
  function timeout: AWS refuses a trigger below 1× and recommends at least 6×.

Inside Lambda the backend chooses itself (``helpers.core.backend.current``: ``WORKSHOP_BACKEND=aws``
from :func:`function_environment`), so the handlers need no deploy-only entry point.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import time
import zipfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.backend import client, current
from ..core.limits import LAMBDA_MAX_TIMEOUT_S, LAMBDA_VISIBILITY_FACTOR
from ..core.messages import WorkshopError, say
from ..core.resources import name, prefix, tags

#: A Lambda runtime far from its deprecation date (python3.13 is supported until 2029).
RUNTIME = "python3.13"
LOG_RETENTION_DAYS = 1
BOUNDARY_ENV = "WORKSHOP_PERMISSIONS_BOUNDARY"
#: Seconds a brand-new role needs on real AWS before Lambda may assume it (IAM is eventually consistent).
ROLE_SETTLE_S = 10.0
#: What Lambda's SQS trigger does with the function's role: what the managed AWSLambdaSQSQueueExecutionRole grants.
TRIGGER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
#: Third-party packages the handlers need that the Lambda Python runtime does not have (boto3 it has).
VENDORED = ("aws_lambda_powertools", "typing_extensions")

ROOT = Path(__file__).resolve().parents[2]
TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


# --- the code -----------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def package(vendored: tuple[str, ...] = VENDORED) -> bytes:
    """The deployment zip: ``helpers/``, ``data/`` and the vendored packages (no caches, no tests)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((ROOT / "helpers").rglob("*.py")):  # every subpackage: handlers import across them
            zf.write(path, path.relative_to(ROOT).as_posix())
        for path in sorted((ROOT / "data").glob("*.json")):
            zf.write(path, f"data/{path.name}")
        for mod_name in vendored:
            mod = importlib.import_module(mod_name)
            origin = Path(mod.__file__ or "")
            if origin.name == "__init__.py":
                base = origin.parent
                for path in sorted(base.rglob("*")):
                    if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                        zf.write(path, f"{mod_name}/{path.relative_to(base).as_posix()}")
            else:
                zf.write(origin, origin.name)
    return buf.getvalue()


def describe_package(code: bytes, handlers: Iterable[str]) -> str:
    """One line about the zip, and one per handler saying which file of the zip holds it."""
    names = set(zipfile.ZipFile(io.BytesIO(code)).namelist())
    lines = [say("lambda.zip_summary", mb=len(code) / 1e6, files=len(names), vendored=", ".join(VENDORED))]
    for handler in handlers:
        path = handler.rpartition(".")[0].replace(".", "/") + ".py"
        lines.append(say("lambda.zip_handler" if path in names else "lambda.zip_missing", handler=handler, path=path))
    return "\n".join(lines)


def function_environment(**extra: str) -> dict[str, str]:
    """The environment every deployed function gets: real AWS, this prefix and speed, plus ``extra``."""
    from ..shop import speed

    return {"WORKSHOP_BACKEND": "aws", "WORKSHOP_PREFIX": prefix(), "WORKSHOP_SPEED": str(speed()), **extra}


# --- logs and roles -----------------------------------------------------------------------------


def ensure_log_group(function_name: str) -> str:
    """Create (or keep) ``/aws/lambda/<function>``, tagged, kept :data:`LOG_RETENTION_DAYS`; return its ARN."""
    logs = client("logs")
    group = f"/aws/lambda/{function_name}"
    try:
        logs.create_log_group(logGroupName=group, tags=tags())
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    logs.put_retention_policy(logGroupName=group, retentionInDays=LOG_RETENTION_DAYS)
    info = current()
    return f"arn:aws:logs:{info.region}:{info.account}:log-group:{group}"


def function_policy(
    log_group_arn: str,
    *,
    consume: str | None = None,
    send_to: Iterable[str] = (),
    tables: Iterable[str] = (),
) -> dict[str, Any]:
    """One function's inline policy: its own logs, the queue it ``consume``\\ s (an ARN), the queues
    it sends to and the tables it uses — and nothing more."""
    st: list[dict[str, Any]] = [{
        "Sid": "WriteItsOwnLogs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": f"{log_group_arn}:*",
    }]
    if consume:
        st.append({"Sid": "ConsumeTheQueue", "Effect": "Allow", "Action": list(TRIGGER_ACTIONS), "Resource": consume})
    if send_to:
        st.append({"Sid": "SendToTheQueue", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": sorted(send_to)})
    if tables:
        st.append({
            "Sid": "UseTheShopTables",
            "Effect": "Allow",
            "Action": ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                       "dynamodb:DeleteItem", "dynamodb:Query"],
            "Resource": sorted(tables),
        })
    return {"Version": "2012-10-17", "Statement": st}


def ensure_role(short: str, policy: dict[str, Any]) -> str:
    """Create (or update) the role ``<prefix>-<short>`` with ``policy`` inline; return its ARN.

    On real AWS, a role created just now is only returned once IAM has had :data:`ROLE_SETTLE_S`
    seconds to tell Lambda about it (otherwise ``CreateFunction`` fails: "cannot be assumed").
    """
    iam = client("iam")
    role = name(short)
    try:
        found = iam.get_role(RoleName=role)["Role"]
    except iam.exceptions.NoSuchEntityException:
        kwargs: dict[str, Any] = {
            "RoleName": role,
            "AssumeRolePolicyDocument": json.dumps(TRUST_POLICY),
            "Description": "Async First Steps: execution role of one workshop Lambda function",
            "Tags": [{"Key": k, "Value": v} for k, v in tags().items()],
        }
        boundary = os.environ.get(BOUNDARY_ENV)
        if boundary:
            kwargs["PermissionsBoundary"] = boundary
        found = iam.create_role(**kwargs)["Role"]
    iam.put_role_policy(RoleName=role, PolicyName=short, PolicyDocument=json.dumps(policy))
    if current().is_real_aws:
        age = time.time() - found["CreateDate"].timestamp()
        time.sleep(max(0.0, ROLE_SETTLE_S - age))
    return found["Arn"]


def table_arns(table_names: Iterable[str]) -> list[str]:
    """The ARNs of DynamoDB tables in this account and region."""
    info = current()
    return [f"arn:aws:dynamodb:{info.region}:{info.account}:table/{t}" for t in table_names]


# --- the trigger's timeouts -----------------------------------------------------------------------


def check_trigger_timeouts(queue_url: str, function_timeout_s: int) -> int:
    """Read the queue's visibility timeout back and check it against the function timeout; return it.

    AWS refuses an SQS trigger whose queue hides a message for less time than the function may
    run, and recommends at least :data:`~helpers.core.limits.LAMBDA_VISIBILITY_FACTOR` (6) times
    the function timeout, so a batch retried while Lambda is throttled is not delivered twice.
    """
    if not 1 <= function_timeout_s <= LAMBDA_MAX_TIMEOUT_S:
        raise WorkshopError("lambda.bad_timeout", timeout=function_timeout_s, most=LAMBDA_MAX_TIMEOUT_S)
    attrs = client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["VisibilityTimeout"])
    visibility = int(attrs["Attributes"]["VisibilityTimeout"])
    if visibility < LAMBDA_VISIBILITY_FACTOR * function_timeout_s:
        raise WorkshopError("lambda.timeout_vs_visibility", timeout=function_timeout_s, visibility=visibility,
                            factor=LAMBDA_VISIBILITY_FACTOR, needed=LAMBDA_VISIBILITY_FACTOR * function_timeout_s)
    return visibility


def invoke_url(api_id: str, stage: str) -> str:
    """The URL of a deployed REST API stage (on an emulator: its own URL scheme)."""
    info = current()
    if info.endpoint:
        return f"{info.endpoint.rstrip('/')}/restapis/{api_id}/{stage}/_user_request_"
    return f"https://{api_id}.execute-api.{info.region}.amazonaws.com/{stage}"
