"""What the figure tests of 01 and 02 share: a shop that does not sleep, closed figures, label checks."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

from helpers.shop import Shop, set_speed


@pytest.fixture(scope="module")
def shop(backend) -> Shop:
    set_speed(0)
    s = Shop.create(seed=4)
    s.set_failure_rates(0)
    yield s
    set_speed(None)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labelled(ax) -> None:
    assert ax.get_title(), "every figure needs a title"
    assert ax.get_xlabel() and ax.get_ylabel(), "both axes need labels"


def has_unit(label: str) -> bool:
    return any(unit in label for unit in ("(ms", "(%)", "(count)", "orders/s"))
