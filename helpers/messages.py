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
        # --- claims (check cells) -----------------------------------------------------
        "claim_ok": "✅ {claim}",
        "claim_failed": "❌ Claim no longer true: {claim}",
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
    """Return the learner-facing sentence ``key`` in the current language, formatted."""
    table = MESSAGES.get(LANG, MESSAGES["en"])
    template = table.get(key) or MESSAGES["en"][key]
    return template.format(**kwargs)
