"""Figures of 06: every one has a title, labelled axes with units, and draws the data it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers.shop import load_profile  # noqa: E402
from helpers.together import plots as pt  # noqa: E402
from helpers.together.api_client import Comparison, HttpResponse, HttpRun, StatusSample, StatusTimeline
from helpers.together.checklist import MonitoringResult, MonitorSample  # noqa: E402
from helpers.together.hybrid import decide, predict  # noqa: E402


def response(ms: float, status: int = 201, oid: str = "ord-1") -> HttpResponse:
    return HttpResponse("POST", "http://127.0.0.1:1/x", status, {}, {"order_id": oid}, 0.0, ms / 1000)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labelled(ax) -> None:
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert "(" in ax.get_ylabel() or "(" in ax.get_xlabel()  # a unit in brackets


def test_endpoints_orders_sync_hybrid_async_and_has_units():
    cmp = Comparison({
        "/async/orders": HttpRun("/async/orders", [response(5, 202), response(7, 202)]),
        "/sync/orders": HttpRun("/sync/orders", [response(100), response(120)]),
        "/hybrid/orders": HttpRun("/hybrid/orders", [response(60), response(70)]),
    })
    fig = pt.endpoints(cmp, predict(decide(load_profile())))
    ax = fig.axes[0]
    labelled(ax)
    assert "ms" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert [lbl.split("\n")[0] for lbl in labels] == ["POST /sync/orders", "POST /hybrid/orders", "POST /async/orders"]
    assert ax.get_legend() is not None  # the predictions are drawn


def test_status_timeline_draws_every_poll():
    samples = [StatusSample(20, "ACCEPTED", 1, {}), StatusSample(50, "ACCEPTED", 3, {}),
               StatusSample(90, "COMPLETED", 6, {})]
    timeline = StatusTimeline("/async/orders", response(10, 202), samples, 25, finished_ms=85)
    fig = pt.status_timeline(timeline, sync_ms=70)
    ax = fig.axes[0]
    labelled(ax)
    assert "3 polls" in ax.get_title() and "ms" in ax.get_xlabel()
    assert sum(len(c.get_offsets()) for c in ax.collections) == 3


def test_monitoring_has_two_labelled_panels():
    result = MonitoringResult([MonitorSample(0.1 * i, i, 0, 0.1 * i) for i in range(5)], 0.3, 5, 5, 0.2)
    fig = pt.monitoring(result)
    top, bottom = fig.axes
    assert top.get_title() and top.get_ylabel() and bottom.get_xlabel() == "time (s, measured)"
    assert "(s)" in bottom.get_ylabel()
