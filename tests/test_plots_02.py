"""Figures of 02: each draws what it claims, with a title, labelled axes and units; the slider widget works."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest

from helpers.shop import LoadResult, speed_factor
from helpers.sync import plots_02 as plots
from helpers.sync.responses import Option

from .sync_figures import close_figures, has_unit, labelled, shop  # noqa: F401 (fixtures)


def test_load_sweep_has_two_labelled_panels(shop):
    shop.set_jitter(False)
    with speed_factor(0.01):
        points = shop.sweep_latency("shipping", [120, 1200], clients=2, orders_per_client=2, progress=False)
    fig = plots.load_sweep(points)
    assert fig.get_suptitle()
    for ax in fig.axes:
        labelled(ax)
        assert has_unit(ax.get_ylabel())
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
    labelled(left)
    labelled(right)
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
    labelled(ax)
    assert has_unit(ax.get_xlabel())
    assert "deploy of the loyalty service fails" in ax.get_title(), "a stream with a deploy is titled by its mode"
    shaded = [p for p in ax.patches if p.get_alpha() and p.get_alpha() < 0.5]
    assert len(shaded) == 1
    assert len(ax.patches) - len(shaded) == len(load.results)
    empty = plots.orders_timeline(LoadResult([], 0.0, 1.0)).axes[0]
    labelled(empty)
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


def test_three_responses_draws_one_bar_per_option_in_each_panel_and_the_requirements():
    options = [Option("sync, 4 workers", 420.0, 9.5, 0.0), Option("sync, 8 workers", 430.0, 18.9, 0.0),
               Option("async accept", 4.0, 700.0, 1.0)]
    fig = plots.three_responses(options, requirement_ms=(300.0, 800.0))
    wait, rate, outage = fig.axes
    for ax in fig.axes:
        labelled(ax)
        assert has_unit(ax.get_xlabel())
    assert [round(p.get_width(), 3) for p in wait.patches] == [420.0, 430.0, 4.0]
    assert [round(p.get_width(), 3) for p in rate.patches] == [9.5, 18.9, 700.0]
    assert [round(p.get_width(), 3) for p in outage.patches] == [0.0, 0.0, 100.0]
    assert [t.get_text() for t in wait.get_yticklabels()] == [o.label for o in options]
    assert sorted(line.get_xdata()[0] for line in wait.lines) == [300.0, 800.0], "one line per requirement"
    assert wait.get_xscale() == "log" and rate.get_xscale() == "log"
    with pytest.raises(ValueError):
        plots.three_responses([])


def test_failed_order_is_titled_by_the_step_that_failed_it(shop):
    with shop.service("email").outage():
        result = shop.place_order_sync(shop.sample_orders(1)[0])
    ax = plots.failed_order(result).axes[0]
    labelled(ax)
    assert "outage of email" in ax.get_title()
    assert len(ax.patches) == len(result.spans) == 5, "one bar per step, up to the failed one"
