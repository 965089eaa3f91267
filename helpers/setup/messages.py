"""The sentences of 00_setup, by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
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
    },
}
