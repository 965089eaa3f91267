"""Figures of 01: each draws what it claims, with a title, labelled axes and units (02's are in test_plots_02.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from helpers.shop import STEPS
from helpers.sync import plots

from .sync_figures import close_figures, has_unit, labelled, shop  # noqa: F401 (fixtures)


def test_timeline_draws_one_bar_per_step_and_marks_the_response(shop):
    result = shop.place_order_sync(shop.sample_orders(1)[0])
    fig = plots.timeline(result, predicted_ms=12.0)
    ax = fig.axes[0]
    labelled(ax)
    assert has_unit(ax.get_xlabel())
    bars = [p for p in ax.patches]
    assert len(bars) == len(STEPS)
    widths = sorted(round(b.get_width(), 6) for b in bars)
    assert widths == sorted(round(s.duration_ms, 6) for s in result.spans)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert f"response {result.response_ms:.0f} ms" in texts and "predicted 12 ms" in texts
    assert [t.get_text().split("\n")[0] for t in ax.get_yticklabels()] == list(STEPS)


def test_timeline_of_a_failed_order_shows_the_failure(shop):
    with shop.service("payment").outage():
        result = shop.place_order_sync(shop.sample_orders(1)[0])
    ax = plots.timeline(result).axes[0]
    assert len(ax.patches) == 3
    assert ax.patches[-1].get_hatch() == "//"
    assert "unavailable" in " ".join(t.get_text() for t in ax.texts)


def test_stacked_orders_draw_each_orders_steps_end_to_end(shop):
    load = shop.run_load(shop.sample_orders(4))
    ax = plots.stacked_orders(load).axes[0]
    labelled(ax)
    assert has_unit(ax.get_xlabel())
    assert len(ax.patches) == 4 * len(STEPS)
    first_row = ax.patches[: len(STEPS)]
    assert abs(sum(p.get_width() for p in first_row) - load.results[0].steps_ms) < 1e-6


def test_response_times_marks_p50_p95_and_prediction(shop):
    fig = plots.response_times([10.0, 20.0, 30.0, 40.0], predicted_ms=25)
    ax = fig.axes[0]
    labelled(ax)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["p50 = 25 ms", "p95 = 38 ms", "predicted = 25 ms"]
    assert has_unit(ax.get_xlabel()) and has_unit(ax.get_ylabel())
