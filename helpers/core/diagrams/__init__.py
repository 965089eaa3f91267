"""Architecture diagrams, one per stage, read back from the backend so they cannot disagree with the code.

Builders read queues, redrive policies, subscriptions, event source mappings and tables back with
boto3 and add only what is not an AWS resource here (client, simulated services, the notebook's
workers). Boxes without icons, the AWS service above the name, one colour-blind-safe colour per kind;
solid arrows: synchronous calls, dashed: asynchronous messages, red dotted: the DLQ path. Matplotlib only.
"""

from .draw import KINDS, SOURCES, STYLES, Diagram, Edge, Layout, Node, draw, layout, shorten, text_width
from .readback import (
    QueueFacts,
    SubscriptionFacts,
    filter_text,
    queue_url_of,
    read_mappings,
    read_queue,
    read_subscriptions,
    table_exists,
)
from .stages import (
    failure_stage,
    fanout_stage,
    queue_stage,
    read_rest_api,
    real_aws_stage,
    sync_chain,
    together_stage,
)

__all__ = ['Diagram', 'Edge', 'KINDS', 'Layout', 'Node', 'QueueFacts', 'SOURCES', 'STYLES', 'SubscriptionFacts', 'draw', 'failure_stage', 'fanout_stage', 'filter_text', 'layout', 'queue_stage', 'queue_url_of', 'read_mappings', 'read_queue', 'read_rest_api', 'read_subscriptions', 'real_aws_stage', 'shorten', 'sync_chain', 'table_exists', 'text_width', 'together_stage']
