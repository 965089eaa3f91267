"""The sentences of 00_setup, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # the version table and the ready check
        "setup.versions.package": "package",
        "setup.versions.installed": "installed",
        "setup.versions.pinned": "pinned",
        "setup.versions.missing": "missing",
        "setup.ready.python": "Python 3.10 or newer",
        "setup.ready.packages": "packages installed at the pinned versions",
        "setup.ready.backend": "calls reach the {name} backend (account {account})",
        "setup.ready.round_trip": "SQS round trip: the message came back intact and the queue is empty",
        # exercises
        "ex.00.switch.hint": (
            "Real AWS and emulators share one mode. The standard AWS variable for another endpoint "
            "is AWS_ENDPOINT_URL. LocalStack listens on port 4566."
        ),
        "ex.00.switch.solution": (
            "LocalStack speaks the AWS API, so the mode is 'aws'. AWS_ENDPOINT_URL sends every call "
            "to LocalStack instead of to AWS."
        ),
        "ex.00.switch.not_dict": (
            "Give a dict of environment variables, for example {'WORKSHOP_BACKEND': ..., 'AWS_ENDPOINT_URL': ...}."
        ),
        "ex.00.switch.backend": (
            "WORKSHOP_BACKEND is {got!r}, but LocalStack speaks the AWS API: the mode is 'aws'."
        ),
        "ex.00.switch.no_backend": (
            "Your dict has no WORKSHOP_BACKEND: LocalStack speaks the AWS API, so the mode is 'aws'."
        ),
        "ex.00.switch.endpoint": (
            "AWS_ENDPOINT_URL is {got!r}; LocalStack listens on http://localhost:4566."
        ),
        "ex.00.switch.no_endpoint": (
            "Your dict has no AWS_ENDPOINT_URL: it tells the calls where LocalStack listens, http://localhost:4566."
        ),
        "ex.00.switch.ok": "'aws' mode with AWS_ENDPOINT_URL sends the very same code to LocalStack.",
        "ex.00.roundtrip.hint": (
            "Use the three calls of section 2 with the queue_url and body you are given: "
            "sqs.send_message(...), sqs.receive_message(...)['Messages'][0], and "
            "sqs.delete_message(..., ReceiptHandle=...). Return the message's 'Body'."
        ),
        "ex.00.roundtrip.solution": (
            "The three calls of section 2, inside a function. Delete with the receipt handle of the "
            "message you received, then return its body."
        ),
        "ex.00.roundtrip.not_function": (
            "Give the function itself, round_trip, without calling it; you gave a {kind}."
        ),
        "ex.00.roundtrip.nothing": "Your function returned nothing: return the body of the message you received.",
        "ex.00.roundtrip.dict": (
            "Your function returned a dict. Return only the message's body: message['Body']."
        ),
        "ex.00.roundtrip.body": (
            "Your function returned {got!r}, but the check sent {want!r}. Send the body you are given, "
            "and return the body you received."
        ),
        "ex.00.roundtrip.not_deleted": (
            "The message came back, but it is still in the queue. Delete it with its ReceiptHandle: "
            "a received message is only hidden, not gone."
        ),
        "ex.00.roundtrip.ok": "Sent, received and deleted: that is the whole life of an SQS message.",
    },
}
