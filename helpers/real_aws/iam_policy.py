"""The least-privilege IAM policy for running the workshop on a real account, and its proof.

``data/iam-policy.json`` allows exactly the actions the helpers and notebooks call, on resources
named ``afs-*`` (every attendee's default prefix). :func:`render` narrows it to one attendee's
prefix (and optionally one account and region)::

    python -m helpers.real_aws.iam_policy                 # the policy for your own prefix, as JSON
    python -m helpers.real_aws.iam_policy afs-alice-1a2b  # for someone else's prefix
    python -m helpers.real_aws.iam_policy --calls         # which AWS actions the workshop's code calls

How we know it is exactly enough: :func:`called_actions` reads the source of ``helpers/*.py``
and ``notebooks/*.ipynb`` (and the code in exercise solutions) with :mod:`ast` and finds every
boto3 client method call whose name is an operation of a service the workshop uses (botocore's
service models give the names), plus paginators, waiters and the few calls libraries make for
us. ``tests/test_iam_policy.py`` checks that the policy allows every one of them, allows nothing
else, and never uses a wildcard action.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
POLICY_FILE = ROOT / "data" / "iam-policy.json"
BOUNDARY_FILE = ROOT / "data" / "iam-lambda-boundary.json"
#: The resource-name pattern in the committed policy: every attendee's default prefix.
SHARED_PATTERN = "afs-*"

#: API operations whose IAM action has another name (SQS and SNS batch calls need the single action).
ACTION_OF_OPERATION = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
    "sns:PublishBatch": "sns:Publish",
}

#: Services whose IAM actions are the HTTP methods of their operations (API Gateway's management API).
HTTP_METHOD_SERVICES = {"apigateway"}

#: Extra actions AWS checks when a call is made the way the helpers make it.
IMPLIED = {
    "sqs:CreateQueue": ["sqs:TagQueue"],  # created with tags
    "sns:CreateTopic": ["sns:TagResource"],  # created with tags
    "dynamodb:CreateTable": ["dynamodb:TagResource"],  # created with tags
    "iam:CreateRole": ["iam:TagRole"],  # created with tags
    "lambda:CreateFunction": ["iam:PassRole", "lambda:TagResource"],  # passes the worker role; tags
    "logs:CreateLogGroup": ["logs:TagResource"],  # created with tags
    "apigateway:POST": ["apigateway:PUT"],  # CreateRestApi with tags: PUT on /tags/…
    # Lambda moves messages from the DLQ on our behalf with our permissions:
    "sqs:StartMessageMoveTask": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                 "sqs:SendMessage"],
}

#: Actions AWS allows every authenticated identity: no policy statement needed (or possible).
ALWAYS_ALLOWED = {"sts:GetCallerIdentity"}

#: Calls libraries make for us with a session from the seam, keyed by the import that enables them.
LIBRARY_CALLS = {
    "aws_lambda_powertools.utilities.idempotency": [
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    ],
}

#: Actions that AWS cannot scope to a resource (the Service Authorization Reference lists no
#: resource type for them), so they need ``"Resource": "*"``. Nothing else may use ``*``.
UNSCOPABLE = {
    "sqs:ListQueues",
    "sns:ListTopics",
    "sns:ListSubscriptions",
    "sns:GetSubscriptionAttributes",
    "sns:SetSubscriptionAttributes",
    "sns:Unsubscribe",
    "dynamodb:ListTables",
    "lambda:ListFunctions",
    "lambda:ListEventSourceMappings",
    "iam:ListRoles",
    "logs:DescribeLogGroups",
}


# --- the policy -------------------------------------------------------------------------------


def render(prefix: str | None = None, *, account: str = "*", region: str = "*") -> dict[str, Any]:
    """The policy, narrowed to ``prefix`` (``None``: the shared ``afs-*`` pattern), account and region."""
    text = POLICY_FILE.read_text(encoding="utf-8")
    if prefix:
        from ..core.backend import check_prefix

        text = text.replace(SHARED_PATTERN, f"{check_prefix(prefix)}-*")
    if account != "*" or region != "*":
        text = re.sub(r'"arn:aws:([a-z0-9-]+):\*:\*:', lambda m: f'"arn:aws:{m.group(1)}:{region}:{account}:', text)
        text = text.replace('"arn:aws:iam::*:', f'"arn:aws:iam::{account}:')
        text = text.replace('"arn:aws:apigateway:*::', f'"arn:aws:apigateway:{region}::')
    return json.loads(text)


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The policy's statements as a list (a single statement may be given as an object)."""
    st = policy.get("Statement", [])
    return [st] if isinstance(st, dict) else list(st)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def policy_actions(policy: dict[str, Any]) -> set[str]:
    """Every action an ``Allow`` statement names."""
    return {a for st in statements(policy) if st.get("Effect") == "Allow" for a in _as_list(st.get("Action"))}


def allows(policy: dict[str, Any], action: str) -> bool:
    """True if an ``Allow`` statement names ``action`` exactly (the policy has no wildcards)."""
    return action in ALWAYS_ALLOWED or action in policy_actions(policy)


def iam_action(service: str, operation: str) -> str:
    """The IAM action an API operation needs, e.g. ``("sqs", "SendMessageBatch")`` → ``sqs:SendMessage``.

    API Gateway's management actions are its HTTP methods: ``CreateRestApi`` → ``apigateway:POST``.
    """
    name = f"{service}:{operation}"
    if service in HTTP_METHOD_SERVICES:
        try:
            method = _loader().load_service_model(service, "service-2")["operations"][operation]["http"]["method"]
        except KeyError:
            return name
        return f"{service}:{method}"
    return ACTION_OF_OPERATION.get(name, name)


def required_actions(calls: Iterable[str]) -> set[str]:
    """The IAM actions needed for API calls ``service:Operation`` (implied ones added, free ones removed)."""
    needed: set[str] = set()
    for call in calls:
        action = iam_action(*call.split(":", 1))
        needed.add(action)
        needed.update(IMPLIED.get(action, []))
    return needed - ALWAYS_ALLOWED


# --- what the code calls -----------------------------------------------------------------------


@lru_cache(maxsize=64)
def _service_operations(service: str) -> dict[str, str]:
    """``{snake_name: OperationName}`` for one service, from botocore's model (empty if unknown)."""
    from botocore import xform_name

    try:  # straight from botocore's data files: no session, so no profile or credentials involved
        model = _loader().load_service_model(service, "service-2")
    except Exception:
        return {}
    return {xform_name(op): op for op in model["operations"]}


@lru_cache(maxsize=1)
def _loader() -> Any:
    import botocore.loaders

    return botocore.loaders.create_loader()


@lru_cache(maxsize=64)
def _waiters(service: str) -> dict[str, str]:
    """``{waiter_name: OperationName}`` for a service (``table_exists`` → ``DescribeTable``)."""
    from botocore import xform_name

    try:
        waiters = _loader().load_service_model(service, "waiters-2")["waiters"]
    except Exception:
        return {}
    return {xform_name(name): spec["operation"] for name, spec in waiters.items()}


def _sources(root: Path) -> list[tuple[str, str]]:
    """``(where, python source)`` for every helper module, notebook code cell and exercise solution."""
    out: list[tuple[str, str]] = []
    for path in sorted((root / "helpers").rglob("*.py")):
        out.append((str(path.relative_to(root)), path.read_text(encoding="utf-8")))
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        for i, cell in enumerate(cells):
            if cell.get("cell_type") == "code":
                src = "".join(cell.get("source", []))
                src = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in src.splitlines())
                out.append((f"{path.relative_to(root)}#cell{i}", src))
    from ..core.messages import catalog

    for lang, table in catalog().items():
        for key, text in table.items():
            if key.endswith(".solution"):
                out.append((f"messages[{lang}][{key}]", text))
    return out


def _services_of(node: ast.AST, clients: dict[str, set[str]]) -> set[str]:
    """Services an expression stands for: ``client("sqs")``, or a name/attribute bound to one."""
    if isinstance(node, ast.Call):
        f = node.func
        fname = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        if fname == "client" and node.args and isinstance(node.args[0], ast.Constant):
            return {str(node.args[0].value)}
    return set(clients.get(ast.unparse(node), set()))


def scan_source(source: str, used: set[str]) -> set[str]:
    """``service:Operation`` calls in one piece of Python source, for the services in ``used``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    ops = {svc: _service_operations(svc) for svc in used}
    clients: dict[str, set[str]] = {}
    module_services: set[str] = set()
    # First pass: what is bound to which client, and which services this module uses at all.
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            module_services |= _services_of(node, {}) & used
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            svc = _services_of(node.value, {})
            if svc:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    clients.setdefault(ast.unparse(t), set()).update(svc)
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names]
            if isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            for name in names:
                for lib, lib_calls in LIBRARY_CALLS.items():
                    if name.startswith(lib):
                        module_services.add("__lib__:" + ",".join(lib_calls))
    found: set[str] = set()
    for marker in [s for s in module_services if s.startswith("__lib__:")]:
        found.update(marker.split(":", 1)[1].split(","))
    module_services = {s for s in module_services if not s.startswith("__lib__:")}

    def resolve(snake: str, receiver: ast.AST | None, named: set[str] = frozenset(),  # type: ignore[assignment]
                strict: bool = False) -> None:
        owners = [s for s in used if snake in ops.get(s, {})]
        if not owners:
            return
        known = set(named) or (_services_of(receiver, clients) if receiver is not None else set())
        candidates = ([s for s in owners if s in known] or [s for s in owners if s in module_services]
                      or ([] if strict else owners))
        for svc in candidates:
            found.add(f"{svc}:{ops[svc][snake]}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _services_of(node.value, clients):
            resolve(node.attr, node.value)  # also a method passed on uncalled: retry(lam.create_function, …)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr in ("get_paginator", "can_paginate") and node.args and isinstance(node.args[0], ast.Constant):
                resolve(str(node.args[0].value), func.value)
            elif func.attr == "get_waiter" and node.args and isinstance(node.args[0], ast.Constant):
                known = _services_of(func.value, clients) or module_services
                for svc in known:
                    op = _waiters(svc).get(str(node.args[0].value))
                    if op:
                        found.add(f"{svc}:{op}")
            else:  # an attribute of self (self.api.invoke) is a client only if this module makes one for it
                resolve(func.attr, func.value, strict=ast.unparse(func.value).split(".")[0] == "self")
        # Operation names passed as strings: _paginate(sqs, "list_queues", …), getattr(svc, "op"),
        # _ask("apigateway", "get_integration", …) (a service named by a string before the operation).
        args = list(node.args)
        receiver = next((a for a in args if _services_of(a, clients)), None)
        named = {str(a.value) for a in args[:1] if isinstance(a, ast.Constant) and a.value in used}
        for arg in args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and re.fullmatch(r"[a-z][a-z0-9_]+", arg.value):
                if any(arg.value in ops.get(s, {}) for s in used):
                    resolve(arg.value, receiver, named)
    return found


def used_services(root: Path = ROOT) -> set[str]:
    """Services the workshop makes clients for (``client("sqs")`` … anywhere in its code)."""
    used: set[str] = set()
    for _, src in _sources(root):
        used.update(re.findall(r"""\bclient\(\s*["']([a-z0-9-]+)["']""", src))
    return used


def called_actions(root: Path = ROOT) -> dict[str, set[str]]:
    """``{"service:Operation": {where it is called}}`` for the whole workshop (see module doc)."""
    used = used_services(root)
    calls: dict[str, set[str]] = {}
    for where, src in _sources(root):
        for call in scan_source(src, used):
            calls.setdefault(call, set()).add(where)
    return calls


def check() -> tuple[dict[str, list[str]], list[str]]:
    """``(missing, extra)``: actions the code needs that the policy lacks (with where they are
    called), and actions the policy allows that nothing calls. Both empty: the policy is exact."""
    calls = called_actions()
    needed = required_actions(calls)
    have = policy_actions(render())
    missing = {
        action: sorted({w for call, where in calls.items() for w in where
                        if action == iam_action(*call.split(":", 1)) or action in IMPLIED.get(call, [])})
        for action in sorted(needed - have)
    }
    return missing, sorted(have - needed)


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.real_aws.iam_policy [PREFIX] | --calls | --check``; a bad prefix is one sentence (exit 2)."""
    from ..core.messages import WorkshopError
    from ..core.resources import check_prefix, prefix

    parser = argparse.ArgumentParser(
        prog="python -m helpers.real_aws.iam_policy",
        description="The least-privilege IAM policy for running the workshop on a real account (data/iam-policy.json).",
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "prefix", nargs="?", help="print the policy narrowed to this resource prefix (default: your own prefix)"
    )
    what.add_argument("--calls", action="store_true", help="list each AWS call the workshop makes, and where")
    what.add_argument("--check", action="store_true", help="exit 1 unless the policy allows exactly those calls")
    args = parser.parse_args(argv)
    if args.calls:
        for call, where in sorted(called_actions().items()):
            print(f"{call:<45} {', '.join(sorted(where))}")
        return 0
    if args.check:
        missing, extra = check()
        for action, where in missing.items():
            print(f"missing  {action:<40} called in {', '.join(where) or '(implied)'}")
        for action in extra:
            print(f"extra    {action:<40} allowed but never called")
        print("data/iam-policy.json is exact" if not missing and not extra else "update data/iam-policy.json")
        return 1 if missing or extra else 0
    try:
        chosen = check_prefix(args.prefix) if args.prefix else prefix()
    except WorkshopError as err:
        parser.error(str(err))
    print(json.dumps(render(chosen), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
