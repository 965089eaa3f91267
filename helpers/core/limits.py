"""AWS's limits that the helpers check or show, in one place (SQS and SNS quotas)."""

from __future__ import annotations

#: SNS's maximum message size (message + attributes): 256 KiB.
SNS_MAX_BYTES = 262_144
#: SQS's maximum message size since August 2025: 1 MiB (a queue's MaximumMessageSize may set it lower).
SQS_MAX_BYTES = 1_048_576
#: SQS's maximum visibility timeout: 12 hours, in seconds.
SQS_MAX_VISIBILITY_S = 12 * 3600
#: The most messages one ReceiveMessage, SendMessageBatch or DeleteMessageBatch call handles.
SQS_MAX_BATCH = 10
#: The longest long poll (ReceiveMessage's WaitTimeSeconds), in seconds.
SQS_MAX_WAIT_S = 20
#: Lambda with an SQS trigger: the queue's visibility timeout should be at least 6 × the function timeout.
LAMBDA_VISIBILITY_FACTOR = 6
#: Lambda with an SQS trigger: AWS recommends a redrive policy with maxReceiveCount of at least 5.
LAMBDA_MIN_MAX_RECEIVE = 5
#: A redrive policy's maxReceiveCount is a whole number from 1 to 1,000.
SQS_MAX_RECEIVE_COUNT = 1000
#: Lambda's maximum function timeout: 15 minutes, in seconds.
LAMBDA_MAX_TIMEOUT_S = 900
#: DynamoDB's maximum item size: 400 KB.
DYNAMODB_MAX_ITEM_BYTES = 409_600
