"""Architecture diagrams: the layout, the read-back from the backend, and figures that read at a glance."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from collections.abc import Iterator

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from helpers import WorkshopError, client
from helpers.core import diagrams as dg
from helpers.core import i18n
from helpers.core.messages import catalog, say

STEPS = ("validate", "inventory", "payment", "shipping", "email", "points")


class Made:
    """Resources one test creates with plain boto3 calls, deleted afterwards."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.queues: list[str] = []
        self.topics: list[str] = []
        self.tables: list[str] = []
        self.functions: list[str] = []
        self.mappings: list[str] = []

    def queue(self, short: str, **attributes: str) -> str:
        url = client("sqs").create_queue(QueueName=f"{self.prefix}-{short}", Attributes=attributes)["QueueUrl"]
        self.queues.append(url)
        return url

    def arn(self, url: str) -> str:
        return client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def queue_with_dlq(self, short: str, max_receive: int = 5) -> tuple[str, str]:
        dlq = self.queue(f"{short}-dlq")
        policy = json.dumps({"deadLetterTargetArn": self.arn(dlq), "maxReceiveCount": str(max_receive)})
        return self.queue(short, RedrivePolicy=policy), dlq

    def topic(self, short: str) -> str:
        arn = client("sns").create_topic(Name=f"{self.prefix}-{short}")["TopicArn"]
        self.topics.append(arn)
        return arn

    def table(self, short: str) -> str:
        name = f"{self.prefix}-{short}"
        client("dynamodb").create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        self.tables.append(name)
        return name

    def function_on(self, queue_url: str, short: str = "worker") -> str:
        role = client("iam").create_role(
            RoleName=f"{self.prefix}-{short}-role",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
        )["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as zf:
            zf.writestr("app.py", "def handler(event, context):\n    return {}\n")
        name = f"{self.prefix}-{short}"
        fn = client("lambda").create_function(FunctionName=name, Runtime="python3.12", Role=role,
                                              Handler="app.handler", Code={"ZipFile": code.getvalue()})
        self.functions.append(name)
        mapping = client("lambda").create_event_source_mapping(EventSourceArn=self.arn(queue_url),
                                                               FunctionName=fn["FunctionArn"], BatchSize=10)
        self.mappings.append(mapping["UUID"])
        return name

    def cleanup(self) -> None:
        for uuid in self.mappings:
            client("lambda").delete_event_source_mapping(UUID=uuid)
        for name in self.functions:
            client("lambda").delete_function(FunctionName=name)
            client("iam").delete_role(RoleName=f"{name}-role")
        for arn in self.topics:
            client("sns").delete_topic(TopicArn=arn)
        for url in self.queues:
            client("sqs").delete_queue(QueueUrl=url)
        for name in self.tables:
            client("dynamodb").delete_table(TableName=name)


@pytest.fixture
def made(own_prefix: str) -> Iterator[Made]:
    resources = Made(own_prefix)
    yield resources
    resources.cleanup()


def rendered(fig: Figure) -> tuple[FigureCanvasAgg, list[Text]]:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return canvas, texts


# --- layout --------------------------------------------------------------------------------------


def test_layout_puts_a_chain_left_to_right():
    d = dg.Diagram("chain")
    for i, kind in enumerate(("client", "api", "function", "queue")):
        d.add(f"n{i}", f"node {i}", kind)
    for i in range(3):
        d.connect(f"n{i}", f"n{i + 1}")
    lay = dg.layout(d)
    xs = [lay.pos[f"n{i}"][0] for i in range(4)]
    ys = {round(lay.pos[f"n{i}"][1], 6) for i in range(4)}
    assert xs == sorted(xs) and len(set(xs)) == 4 and len(ys) == 1
    assert [lay.layer[f"n{i}"] for i in range(4)] == [0, 1, 2, 3]


def test_layout_keeps_parallel_paths_uncrossed_and_a_back_edge_out_of_the_layers():
    d = dg.Diagram("fan")
    d.add("t", "topic", "topic")
    for i in range(3):
        d.add(f"q{i}", f"queue {i}", "queue")
    for i in (2, 0, 1):  # workers added out of order
        d.add(f"w{i}", f"worker {i}", "function")
    for i in range(3):
        d.connect("t", f"q{i}", style="async")
        d.connect(f"q{i}", f"w{i}", style="async")
    d.connect("w0", "t", style="redrive")  # against the flow: drawn as an arc, not a new layer
    lay = dg.layout(d)
    assert lay.layer["t"] == 0 and {lay.layer[f"w{i}"] for i in range(3)} == {2}
    q_rows = sorted(range(3), key=lambda i: -lay.pos[f"q{i}"][1])
    w_rows = sorted(range(3), key=lambda i: -lay.pos[f"w{i}"][1])
    assert q_rows == w_rows
    assert ("w0", "t") in lay.back


def test_long_names_are_shortened_in_the_middle_and_kept_in_full():
    long = "afs-7f3a-a-rather-long-queue-name-for-express-orders"
    short = dg.shorten(long, 20)
    assert len(short) == 20 and short.startswith("afs-…") and short.endswith("express-orders")
    d = dg.Diagram("long")
    d.add("q", long, "queue")
    dg.draw(d)
    assert d.node("q").label == long and d.shown["q"] != long and "…" in d.shown["q"]


def test_bad_input_gets_one_sentence():
    d = dg.Diagram("bad")
    with pytest.raises(WorkshopError, match="kind"):
        d.add("x", "x", "spaceship")
    d.add("a", "a", "client")
    with pytest.raises(WorkshopError, match="no node"):
        d.connect("a", "nowhere")
    with pytest.raises(WorkshopError, match="style"):
        d.connect("a", "a", style="telepathy")
    with pytest.raises(WorkshopError, match="step"):
        dg.sync_chain([])


# --- read back from the backend ---------------------------------------------------------------------


def test_a_redrive_policy_read_back_gives_a_dlq_labelled_with_max_receive_count(made):
    url, dlq = made.queue_with_dlq("orders", max_receive=4)
    d = dg.failure_stage(url)
    queue, dead = f"{made.prefix}-orders", f"{made.prefix}-orders-dlq"
    assert d.node(dead).kind == "dlq" and d.node(dead).source == "backend"
    edge = d.edge(queue, dead)
    assert edge is not None and edge.style == "redrive" and "maxReceiveCount 4" in edge.label
    back = d.edge(dead, queue)
    assert back is not None and back.style == "redrive" and "redrive" in back.label
    plain = made.queue("plain")
    without = dg.failure_stage(plain)
    assert [n.kind for n in without.nodes if n.kind == "dlq"] == ["dlq"]
    assert without.node("dlq").source == "missing"  # the stage expects a DLQ; the queue has none
    assert "no RedrivePolicy" in without.edge(f"{made.prefix}-plain", "dlq").label


def test_a_topic_shows_each_subscription_with_its_filter_and_a_removed_one_disappears(made):
    topic = made.topic("order-events")
    sns = client("sns")
    subs = {}
    for short in ("shipping", "email", "express"):
        q = made.queue(short)
        subs[short] = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=made.arn(q),
                                    ReturnSubscriptionArn=True)["SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=subs["express"], AttributeName="FilterPolicy",
                                    AttributeValue=json.dumps({"shipping": ["express"]}))
    sns.set_subscription_attributes(SubscriptionArn=subs["email"], AttributeName="RawMessageDelivery",
                                    AttributeValue="true")
    d = dg.fanout_stage(topic)
    topic_name = f"{made.prefix}-order-events"
    to_queues = [e for e in d.edges if e.src == d.node(topic_name).id and d.node(e.dst).kind == "queue"]
    assert len(to_queues) == 3 and all(e.style == "async" for e in to_queues)
    express = d.edge(topic_name, f"{made.prefix}-express")
    assert express is not None and "shipping" in express.label and "express" in express.label
    assert "raw" in d.edge(topic_name, f"{made.prefix}-email").label
    assert "all events" in d.edge(topic_name, f"{made.prefix}-shipping").label
    assert all(d.node(f"{made.prefix}-{s}").source == "backend" for s in subs)
    assert "shipping worker" in d.labels  # one worker per queue, named after the service

    sns.unsubscribe(SubscriptionArn=subs["email"])
    after = dg.fanout_stage(topic)
    assert f"{made.prefix}-email" not in after.labels
    assert len([e for e in after.edges if after.node(e.dst).kind == "queue"]) == 2


def test_an_event_source_mapping_read_back_names_the_function(made):
    url, _ = made.queue_with_dlq("jobs", max_receive=5)
    table = made.table("orders")
    fn = made.function_on(url)
    d = dg.real_aws_stage(url, table)
    worker = d.node(fn)
    assert worker.kind == "function" and worker.source == "backend" and "batch 10" in worker.detail
    assert d.edge(f"{made.prefix}-jobs", fn) is not None
    assert d.node(table).source == "backend" and d.edge(fn, table) is not None
    assert d.node(f"{made.prefix}-jobs-dlq").kind == "dlq"
    assert d.node("api").source == "notebook"  # no API Gateway id given: the notebook plays the API


def test_a_missing_table_and_queue_are_drawn_as_missing(made):
    d = dg.queue_stage("https://sqs.us-east-1.amazonaws.com/123456789012/nope-queue", f"{made.prefix}-absent")
    assert d.node("nope-queue").source == "missing" and d.node(f"{made.prefix}-absent").source == "missing"
    dg.draw(d)


# --- every stage: titles, legends, text inside the figure and apart ------------------------------------------


@pytest.fixture(params=["en", "ja"])
def language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The learner's language for one test (Japanese also sets its font); English again afterwards."""
    monkeypatch.delenv("WORKSHOP_LANG", raising=False)
    family = list(matplotlib.rcParams["font.family"])
    i18n.use_language(request.param)
    yield request.param
    i18n.reset_language()
    matplotlib.rcParams["font.family"] = family


@pytest.fixture
def every_stage(made) -> dict[str, dg.Diagram]:
    return _every_stage(made)


@pytest.fixture
def every_stage_in(language: str, made) -> dict[str, dg.Diagram]:
    """Every stage, built and drawn in English and in Japanese."""
    return _every_stage(made)


def _every_stage(made: Made) -> dict[str, dg.Diagram]:
    url, _ = made.queue_with_dlq("orders")
    table = made.table("orders")
    topic = made.topic("order-events")
    for short in ("shipping", "email", "points"):
        client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=made.arn(made.queue(f"fan-{short}")))
    return {
        "sync": dg.sync_chain(STEPS),
        "queue": dg.queue_stage(url, table),
        "fanout": dg.fanout_stage(topic),
        "failure": dg.failure_stage(url, table, services=STEPS[1:]),
        "together": dg.together_stage(url, sync_steps=STEPS[:3], async_steps=STEPS[3:], table_name=table),
        "real": dg.real_aws_stage(url, table),
    }


def test_every_stage_has_a_title_a_legend_and_its_text_inside_the_figure(every_stage_in):
    styles = {say(key) for _, _, key in dg.STYLES.values()}
    for name, d in every_stage_in.items():
        fig = dg.draw(d)
        canvas, texts = rendered(fig)
        assert d.title and fig.texts and d.title.split()[0][:8] in " ".join(t.get_text() for t in fig.texts), name
        legend = [t.get_text() for t in texts if t.get_text() in styles]
        assert legend, f"{name}: no legend for the line styles"
        box = fig.bbox
        for t in texts:
            bb = t.get_window_extent(canvas.get_renderer())
            assert box.x0 - 0.5 <= bb.x0 and bb.x1 <= box.x1 + 0.5 and box.y0 - 0.5 <= bb.y0 and bb.y1 <= box.y1 + 0.5, \
                f"{name}: {t.get_text()!r} crosses the figure border"


def test_no_two_texts_overlap_in_any_stage(every_stage_in):
    for name, d in every_stage_in.items():
        canvas, texts = rendered(dg.draw(d))
        boxes = [(t.get_text(), t.get_window_extent(canvas.get_renderer()).shrunk(0.97, 0.9)) for t in texts]
        for i, (a, ba) in enumerate(boxes):
            for b, bb in boxes[i + 1:]:
                assert not ba.overlaps(bb), f"{name}: {a!r} overlaps {b!r}"


def test_stage_builders_draw_what_the_stage_teaches(every_stage):
    sync = every_stage["sync"]
    assert all(e.style == "sync" for e in sync.edges)
    assert [sync.edge("order function", s).label for s in STEPS] == [str(i) for i in range(1, 7)]
    q = every_stage["queue"]
    assert [q.node(i).kind for i in ("client", "api", "accept")] == ["client", "api", "function"]
    assert any(e.style == "async" and q.node(e.dst).kind == "queue" for e in q.edges)
    tables = [n for n in q.nodes if n.kind == "table"]  # the queue and the table share a name: two boxes
    assert len(tables) == 1 and tables[0].label == q.node(next(n.id for n in q.nodes if n.kind == "queue")).label
    assert q.edge("worker", tables[0].id).label == "PutItem"
    together = every_stage["together"]
    assert list(together.groups) == ["The caller waits (synchronous)", "After the answer (asynchronous)"]
    assert set(together.groups["The caller waits (synchronous)"]) >= {"client", "api", "function", "step-validate"}
    png, meta = every_stage["fanout"]._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and 600 <= meta["width"] <= 1100


def test_the_japanese_edition_draws_every_diagram_in_japanese(made, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("WORKSHOP_LANG", raising=False)
    family = list(matplotlib.rcParams["font.family"])
    english = [v for k, v in catalog()["en"].items() if k.startswith("diagrams.") and "{" not in v and len(v) > 4]
    keys = ("diagrams.kind.client", "diagrams.kind.service", "diagrams.style.sync", "diagrams.source.notebook",
            "diagrams.label.customer", "diagrams.label.order_api", "diagrams.label.order_function")
    try:
        i18n.use_language("ja")
        shown = {key: say(key) for key in keys}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            stages = _every_stage(made)
            drawn = {name: [t.get_text() for t in rendered(dg.draw(d))[1]] for name, d in stages.items()}
    finally:
        i18n.reset_language()
        matplotlib.rcParams["font.family"] = family
    assert not [str(w.message) for w in caught if "Glyph" in str(w.message)]
    for name, texts in drawn.items():
        left = [t for t in texts if any(v in t for v in english)]
        assert not left, f"{name}: English text in the Japanese diagram: {left}"
    sync = drawn["sync"]
    for key, text in shown.items():  # 01's diagram: captions, legend, labels and title in Japanese
        assert text != catalog()["en"][key] and any(text in t for t in sync), key
    assert stages["sync"].title != catalog()["en"]["diagrams.title.sync"].format(n=len(STEPS))
