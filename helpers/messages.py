"""Every sentence the helpers show a learner, in one place.

Why one place: a Japanese edition will follow. Checks, hints, errors and status lines are
looked up here by key, so a translator edits one file and no logic. Notebook prose stays in
markdown cells; only sentences produced by code live here.

Use :func:`say` to format a sentence and :class:`WorkshopError` to raise one as an error.
"""

from __future__ import annotations

import os

LANG = os.environ.get("WORKSHOP_LANG", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # --- backend seam -------------------------------------------------------------
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
        "endpoint_unreachable": (
            "Cannot reach the endpoint {endpoint}: start LocalStack or `moto_server` there, "
            "fix AWS_ENDPOINT_URL, or unset it to use real AWS."
        ),
        "aws_call_failed": (
            "AWS refused the first call ({code}): check that your credentials are valid and "
            "not expired (`aws sts get-caller-identity`), or switch to moto with WORKSHOP_BACKEND=moto."
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
        # --- resources ----------------------------------------------------------------
        "bad_prefix": (
            "The resource prefix {prefix!r} is not usable: use 3–20 lower-case letters, digits "
            "or '-', starting with a letter (set WORKSHOP_PREFIX)."
        ),
        "teardown_failed": "Could not delete {kind} {name}: {error}",
        # --- exercises ----------------------------------------------------------------
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
        # --- 00_setup exercises -------------------------------------------------------
        "ex.00.switch.hint": (
            "Real AWS and emulators share one mode; the standard AWS variable for a custom endpoint "
            "is AWS_ENDPOINT_URL. LocalStack listens on port 4566."
        ),
        "ex.00.switch.solution": (
            "my_switch = {'WORKSHOP_BACKEND': 'aws', 'AWS_ENDPOINT_URL': 'http://localhost:4566'}"
        ),
        "ex.00.switch.not_dict": (
            "give a dict of environment variables, e.g. {'WORKSHOP_BACKEND': ..., 'AWS_ENDPOINT_URL': ...}."
        ),
        "ex.00.switch.backend": (
            "WORKSHOP_BACKEND is {got!r}, but LocalStack speaks the AWS API: the mode is 'aws'."
        ),
        "ex.00.switch.endpoint": (
            "AWS_ENDPOINT_URL is {got!r}; LocalStack listens on http://localhost:4566."
        ),
        "ex.00.switch.ok": "'aws' mode with AWS_ENDPOINT_URL sends the very same code to LocalStack.",
        "ex.00.roundtrip.hint": (
            "url = ensure_queue('exercise'); sqs = client('sqs'); then sqs.send_message(...), "
            "sqs.receive_message(...)['Messages'][0], and sqs.delete_message(... ReceiptHandle=...)."
        ),
        "ex.00.roundtrip.solution": (
            "url = ensure_queue('exercise')\n"
            "sqs = client('sqs')\n"
            "sqs.send_message(QueueUrl=url, MessageBody='order-1')\n"
            "msg = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)['Messages'][0]\n"
            "sqs.delete_message(QueueUrl=url, ReceiptHandle=msg['ReceiptHandle'])\n"
            "my_body = msg['Body']"
        ),
        "ex.00.roundtrip.body": "you received {got!r}; send {want!r} and give the body you received.",
        "ex.00.roundtrip.not_deleted": (
            "the message came back, but {n} message(s) are still in the queue: delete what you "
            "received with its ReceiptHandle (a received message is only hidden, not gone)."
        ),
        "ex.00.roundtrip.ok": "sent, received and deleted: that is the whole life of an SQS message.",
        # --- claims (check cells) -----------------------------------------------------
        "claim_ok": "✅ {claim}",
        "claim_failed": "❌ Claim no longer true: {claim}",
        # --- queues: workers, SQS lab, async shop (03_queues; owned by the queues agent) ---
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


def say(key: str, **kwargs: object) -> str:
    """Return the learner-facing sentence ``key`` in the current language, formatted.

    Without ``kwargs`` the text is returned as written, so solutions may contain code with braces.
    """
    table = MESSAGES.get(LANG, MESSAGES["en"])
    template = table.get(key) or MESSAGES["en"][key]
    return template.format(**kwargs) if kwargs else template
