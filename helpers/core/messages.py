"""The sentences the helpers show a learner: looked up by key, never written in code.

Why by key: a Japanese edition will follow. Checks, hints, errors and status lines are looked up
by key, so a translator edits text and no logic. Notebook prose stays in markdown cells; only
sentences produced by code are here. This module holds the mechanism and the plumbing's own
sentences (:data:`CORE`); each package in :data:`PACKAGES` keeps its sentences in its own
``messages.py`` (a plain dict ``MESSAGES = {"en": {...}}``, no imports). :func:`catalog` merges
them on first use, so this module imports no package and no import cycle arises.

Use :func:`say` to format a sentence and :class:`WorkshopError` to raise one as an error.

English here is the source. Other languages come from gettext catalogs
(``locale/<lang>/LC_MESSAGES/helpers.po``, ``msgctxt`` = the key) through :mod:`helpers.core.i18n`:
:func:`say` shows the translation while it was made for today's English sentence, else the English.
After adding or changing a sentence, run ``make i18n`` to update the catalogs.
"""

from __future__ import annotations

import importlib

from . import i18n

#: The packages whose ``messages.py`` adds sentences, in the order they are merged.
PACKAGES: tuple[str, ...] = ("shop", "setup", "sync", "queues", "fanout", "failure", "together", "real_aws")

#: The plumbing's sentences: backend seam, resources, exercises, claims, workers.
CORE: dict[str, dict[str, str]] = {
    "en": {
        "unknown_backend": (
            "Unknown backend {name!r}: choose one of {valid} "
            "(set WORKSHOP_BACKEND or call use_backend('moto'))."
        ),
        "not_ready": (
            "The backend is not set up yet: run the notebook's first code cell "
            "(use_backend()) before this one."
        ),
        "no_credentials": (
            "WORKSHOP_BACKEND=aws but no AWS credentials were found: run `aws configure` "
            "or `aws sso login`, set AWS_PROFILE, or switch back to moto with WORKSHOP_BACKEND=moto."
        ),
        "profile_not_found": (
            "There is no AWS profile {profile!r} (AWS_PROFILE) in ~/.aws/config or ~/.aws/credentials: "
            "check the name with `aws configure list-profiles`, or unset AWS_PROFILE."
        ),
        "endpoint_unreachable": (
            "Cannot reach the endpoint {endpoint}: start LocalStack or `moto_server` there, "
            "fix AWS_ENDPOINT_URL, or unset it to use real AWS."
        ),
        "aws_call_failed": (
            "AWS refused the first call ({code}): check that your credentials are valid and "
            "not expired (`aws sts get-caller-identity`), or switch to moto with WORKSHOP_BACKEND=moto."
        ),
        "aws_unreachable": (
            "Cannot reach AWS at {url}: check the network connection (and HTTPS_PROXY if you need a proxy), "
            "or switch to moto with WORKSHOP_BACKEND=moto."
        ),
        "proxy_unreachable": (
            "Cannot reach AWS through the proxy {proxy}: correct HTTPS_PROXY, put .amazonaws.com in NO_PROXY, "
            "or unset HTTPS_PROXY if you need no proxy; then restart JupyterLab and run this cell again."
        ),
        "sso_login_expired": (
            "The AWS SSO login of profile {profile} has expired (or was never made): run "
            "`aws sso login --profile {profile}` in a terminal, then run the set-up cell (use_backend()) again."
        ),
        "credentials_expired": (
            "Your AWS credentials have expired ({operation} got {code}): renew them "
            "(`aws sso login --profile {profile}`, or new access keys), then run the set-up cell (use_backend()) again."
        ),
        "credentials_expired_env": (
            "Your AWS credentials have expired ({operation} got {code}): they come from the variables "
            "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, so set new ones in the terminal, "
            "restart JupyterLab there and run the notebook again."
        ),
        "name_error_hint": (
            "This name is made by a cell above. After a kernel restart, run the cells from the top "
            "(Run → Run All Above Selected Cell)."
        ),
        "endpoint_ignored_in_moto": (
            "AWS_ENDPOINT_URL={endpoint} is ignored in moto mode (everything stays in this process); "
            "use WORKSHOP_BACKEND=aws to talk to that endpoint."
        ),
        "backend_moto": (
            "Backend: moto (AWS in this Python process) · region {region} · account {account} · "
            "no AWS account, no network, no cost."
        ),
        "backend_endpoint": (
            "Backend: aws API at {endpoint} (NOT real AWS: an emulator such as LocalStack or moto server) · "
            "region {region} · account {account} · prefix {prefix}"
        ),
        "backend_aws": (
            "Backend: REAL AWS · account {account} · region {region} · identity {arn} · "
            "resources are named {prefix}-… and cost real (small) money: run 99_cleanup when done."
        ),
        "bad_prefix": (
            "The resource prefix {prefix!r} is not usable: use 3–20 lower-case letters, digits "
            "or '-', starting with a letter (set WORKSHOP_PREFIX)."
        ),
        "unknown_language": (
            "WORKSHOP_LANG={value!r} is not a language of this workshop: use one of {valid}, "
            "or unset WORKSHOP_LANG for English."
        ),
        "teardown_failed": "Could not delete {kind} {name}: {error}",
        "teardown_deleted": "deleted {kind} {name}",
        "resource.sqs_queue": "sqs queue",
        "resource.sns_topic": "sns topic",
        "resource.sns_subscription": "sns subscription",
        "resource.dynamodb_table": "dynamodb table",
        "resource.lambda_function": "lambda function",
        "resource.lambda_event_source": "lambda event source",
        "resource.api_gateway_rest_api": "api gateway rest api",
        "resource.iam_role": "iam role",
        "resource.log_group": "log group",
        "check_ok": "✅ Correct: {detail}",
        "check_wrong": "❌ Not yet: {detail}",
        "check_error": (
            "❌ Your answer raised {error_type}: {error}. Fix it and run the check again "
            "(hint() helps, solution() shows one answer)."
        ),
        "no_answer": "❌ Not yet: replace the `...` with your answer, then run the check again.",
        "hint": "💡 Hint: {text}",
        "solution": "📖 Solution:\n{text}",
        "unknown_exercise": "There is no exercise {name!r}; the exercises here are: {valid}.",
        "cleanup_moto_nothing": (
            "Nothing to clean: the backend is moto, whose AWS lives inside one Python process and is gone when it ends. "
            "To clean a real account or an endpoint, set WORKSHOP_BACKEND=aws (and AWS_ENDPOINT_URL for an endpoint), "
            "or run make clean-aws."
        ),
        "diagrams.bad_kind": "Unknown box kind {kind!r}: use one of {valid}.",
        "diagrams.bad_style": "Unknown arrow style {style!r}: use one of {valid}.",
        "diagrams.no_node": "There is no node {node!r} in this diagram: add it first with add().",
        "diagrams.duplicate": "The diagram already has a node {node!r}: give each node its own id.",
        "diagrams.no_steps": "Give at least one step, for example ('validate', 'inventory', 'payment').",
        # the text drawn in architecture diagrams (helpers/core/diagrams)
        "diagrams.kind.client": "Client",
        "diagrams.kind.service": "Simulated service",
        "diagrams.style.sync": "synchronous call: the caller waits",
        "diagrams.style.async": "asynchronous message: the caller does not wait",
        "diagrams.style.redrive": "failed messages: to the DLQ, and redrive",
        "diagrams.source.backend": "read back from {where} just now",
        "diagrams.source.notebook": "runs in this notebook (simulated)",
        "diagrams.source.missing": "expected, but not found in {where}",
        "diagrams.where.backend": "the backend",
        "diagrams.where.endpoint": "the endpoint",
        "diagrams.not_found": "not found",
        "diagrams.title.sync": "The synchronous order: the caller waits while {n} steps run one after another",
        "diagrams.title.queue": "Accept now, execute later: API → SQS queue → worker → DynamoDB",
        "diagrams.title.fanout": "Fan-out: one SNS topic, one SQS queue per service ({n} subscriptions)",
        "diagrams.title.failure": "Failure isolation: retries, the dead-letter queue and redrive",
        "diagrams.title.together": (
            "Synchronous and asynchronous together: answer after the checks, do the rest later"
        ),
        "diagrams.title.real": "The same flow on {backend}: what exists there now",
        "diagrams.group.waits": "The caller waits (synchronous)",
        "diagrams.group.later": "After the answer (asynchronous)",
        "diagrams.label.customer": "customer",
        "diagrams.label.order_api": "order API",
        "diagrams.label.order_function": "order function",
        "diagrams.label.accept_function": "accept function",
        "diagrams.label.worker": "worker",
        "diagrams.label.service_worker": "{service} worker",
        "diagrams.label.no_dlq": "no DLQ",
        "diagrams.edge.no_redrive": "no RedrivePolicy",
        "diagrams.edge.trigger": "trigger",
        "diagrams.edge.redrive": "redrive",
        "diagrams.edge.status": "status",
        "diagrams.detail.visibility": "visibility {seconds} s",
        "diagrams.detail.batch": "batch {size} · {state}",
        "diagrams.detail.stage": "stage {stages}",
        "diagrams.detail.no_stage": "none",
        "diagrams.filter.all": "all events",
        "diagrams.filter.body": "(body)",
        "diagrams.filter.envelope": "SNS envelope",
        "claim_ok": "✅ {claim}",
        "claim_failed": (
            "❌ Claim no longer true: {claim}\nIf you skipped or re-ordered cells, run the notebook from the top."
        ),
        "workers.bad_batch_size": (
            "batch_size must be a whole number from 1 to 10 (SQS returns at most 10 messages per "
            "ReceiveMessage); you gave {value!r}."
        ),
        "workers.bad_wait": (
            "wait_time_s must be a whole number of seconds from 0 (short polling) to 20 (the longest "
            "long poll); you gave {value!r}."
        ),
        "workers.bad_on_stop": (
            "on_stop must be 'drain' (finish the batch in hand, then stop) or 'release' (give "
            "unprocessed messages back to the queue now); you gave {value!r}."
        ),
        "workers.bad_pool_size": "A worker pool needs 1 to 32 workers; you asked for {value!r}.",
        "workers.not_a_handler": (
            "The handler must be a function handler(event, context), like a Lambda handler; got {kind}. "
            "Build one from a per-record function with batch_handler(record_fn)."
        ),
        "workers.stuck": (
            "Worker {name} did not stop within {timeout:.0f} s because its handler is still running: "
            "make the handler return sooner, then call stop() again."
        ),
        "workers.no_queue": (
            "The queue {url} does not exist (any more): create it with ensure_queue(...) and start the "
            "workers again."
        ),
        "workers.run_once_running": (
            "Worker {name} is already polling in the background: stop() it before calling run_once()."
        ),
        "progress.steps": "steps",
        "progress.orders": "orders",
        "progress.orders_completed": "orders completed",
        "progress.bursts": "bursts",
        "progress.latency_sweep": "latency sweep",
    },
}


class WorkshopError(Exception):
    """An error a learner can act on: its text is one sentence that says what to do.

    The backend seam registers an IPython handler that prints these without a traceback.
    """

    def __init__(self, key: str, **kwargs: object) -> None:
        self.key = key
        self.kwargs = kwargs
        super().__init__(say(key, **kwargs))


_catalog: dict[str, dict[str, str]] | None = None


def catalog() -> dict[str, dict[str, str]]:
    """Every sentence, ``{language: {key: text}}``: :data:`CORE` plus each package's ``messages.py``.

    Built once, on first use. A key defined twice is a bug (two texts, one key) and raises.
    """
    global _catalog
    if _catalog is None:
        merged = {lang: dict(table) for lang, table in CORE.items()}
        for package in PACKAGES:
            for lang, table in importlib.import_module(f"helpers.{package}.messages").MESSAGES.items():
                target = merged.setdefault(lang, {})
                twice = sorted(target.keys() & table.keys())
                if twice:
                    raise RuntimeError(f"sentence keys defined twice (helpers/{package}/messages.py): {twice}")
                target.update(table)
        _catalog = merged
    return _catalog


def __getattr__(name: str) -> object:
    """``MESSAGES``: the merged :func:`catalog` (kept as a name for the code and tests that read it)."""
    if name == "MESSAGES":
        return catalog()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def say(key: str, **kwargs: object) -> str:
    """Return the learner-facing sentence ``key`` in the current language, formatted.

    The language is :func:`helpers.core.i18n.language` (``WORKSHOP_LANG`` or ``use_backend(lang=...)``);
    a sentence not translated yet is shown in English. Without ``kwargs`` the text is returned as
    written, so solutions may contain code with braces.
    """
    english = catalog()["en"][key]
    template = i18n.translate(key, english)
    return template.format(**kwargs) if kwargs else template
