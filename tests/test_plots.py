"""Figures: each draws what it claims, with a title, labelled axes and units; the slider widget works."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from helpers.shop import STEPS, LoadResult, Shop, set_speed, speed_factor
from helpers.sync import plots


@pytest.fixture(scope="module")
def shop(backend) -> Shop:
    set_speed(0)
    s = Shop.create(seed=4)
    s.set_failure_rates(0)
    yield s
    set_speed(None)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labelled(ax) -> None:
    assert ax.get_title(), "every figure needs a title"
    assert ax.get_xlabel() and ax.get_ylabel(), "both axes need labels"


def _has_unit(label: str) -> bool:
    return any(unit in label for unit in ("(ms", "(%)", "(count)", "orders/s"))


def test_timeline_draws_one_bar_per_step_and_marks_the_response(shop):
    result = shop.place_order_sync(shop.sample_orders(1)[0])
    fig = plots.timeline(result, predicted_ms=12.0)
    ax = fig.axes[0]
    _labelled(ax)
    assert _has_unit(ax.get_xlabel())
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


def test_stacked_orders_and_step_means(shop):
    load = shop.run_load(shop.sample_orders(4))
    ax = plots.stacked_orders(load).axes[0]
    _labelled(ax)
    assert len(ax.patches) == 4 * len(STEPS)
    ax = plots.step_means(load.results).axes[0]
    _labelled(ax)
    assert _has_unit(ax.get_xlabel())
    assert len(ax.patches) == len(STEPS)


def test_response_times_marks_p50_p95_and_prediction(shop):
    fig = plots.response_times([10.0, 20.0, 30.0, 40.0], predicted_ms=25)
    ax = fig.axes[0]
    _labelled(ax)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["p50 = 25 ms", "p95 = 38 ms", "predicted = 25 ms"]
    assert _has_unit(ax.get_xlabel()) and _has_unit(ax.get_ylabel())


def test_load_sweep_has_two_labelled_panels(shop):
    shop.set_jitter(False)
    with speed_factor(0.01):
        points = shop.sweep_latency("shipping", [120, 1200], clients=2, orders_per_client=2, progress=False)
    fig = plots.load_sweep(points)
    assert fig.get_suptitle()
    for ax in fig.axes:
        _labelled(ax)
        assert _has_unit(ax.get_ylabel())
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].lines) == 4
    with pytest.raises(ValueError):
        plots.load_sweep([])
    shop.reset()
    shop.set_failure_rates(0)


def test_availability_compares_measured_with_the_product(shop):
    shop.set_failure_rates({"payment": 0.5})
    load = shop.run_load(shop.sample_orders(10))
    fig = plots.availability(load, shop)
    left, right = fig.axes
    _labelled(left)
    _labelled(right)
    heights = [round(p.get_height(), 6) for p in left.patches]
    assert heights == [50.0, 50.0, round(load.success_share * 100, 6)]
    assert sum(p.get_height() for p in right.patches) == len(load.failed())
    shop.set_failure_rates(0)


def test_orders_timeline_shades_deploy_windows(shop):
    shop.set_jitter(False)
    with speed_factor(0.01):
        window = shop.service("points").deploy(3000, start_in_ms=1000)
        load = shop.run_stream(shop.sample_orders(6), interval_ms=500, windows=[window])
    ax = plots.orders_timeline(load, step="points").axes[0]
    _labelled(ax)
    assert _has_unit(ax.get_xlabel())
    shaded = [p for p in ax.patches if p.get_alpha() and p.get_alpha() < 0.5]
    assert len(shaded) == 1
    assert len(ax.patches) - len(shaded) == len(load.results)
    empty = plots.orders_timeline(LoadResult([], 0.0, 1.0)).axes[0]
    _labelled(empty)
    shop.reset()
    shop.set_failure_rates(0)


def test_latency_explorer_reconfigures_the_shop_and_redraws(shop):
    widget = plots.latency_explorer(shop, overhead_ms=9)
    controls, status, out = widget.children
    sliders = [w for w in controls.children[0].children if hasattr(w, "max") and hasattr(w, "description")]
    payment = next(s for s in sliders if s.description == "payment")
    assert "predicted" in status.value and "measured" in status.value and "overhead 9 ms" in status.value
    payment.value = 1200
    assert shop.service("payment").median_ms == 1200
    assert "predicted" in status.value
    assert out.outputs, "the timeline is drawn into the output widget"
    reset = controls.children[0].children[-1].children[1]
    reset.click()
    assert shop.service("payment").median_ms == 350 and payment.value == 350
