"""00_setup's helpers: versions against pins, the first round trip, the ready check."""

from __future__ import annotations

from helpers.setup import setup_check


def test_pins_are_read_from_requirements():
    pins = setup_check.pinned_versions()
    assert pins["moto"] and pins["boto3"] and pins["jupyterlab"]


def test_versions_match_pins_in_this_environment():
    rows = setup_check.versions()
    assert {r.package for r in rows} >= {"python", "boto3", "moto"}
    assert all(r.ok for r in rows), [r for r in rows if not r.ok]


def test_a_version_mismatch_is_not_ok():
    assert not setup_check.VersionRow("boto3", "1.0.0", "1.44.5").ok
    assert not setup_check.VersionRow("boto3", None, "1.44.5").ok


def test_round_trip_and_readiness(backend):
    trip = setup_check.round_trip("ping")
    assert trip.ok and trip.received_body == "ping" and trip.left_in_queue == 0
    assert {"SendMessage", "ReceiveMessage", "DeleteMessage"} <= set(trip.timings_ms)
    ready = setup_check.readiness(setup_check.versions(), trip)
    assert ready.ok
    broken = setup_check.RoundTrip(trip.queue_url, "ping", None, 1)
    assert not setup_check.readiness(setup_check.versions(), broken).ok
    fig = setup_check.plot_round_trip(trip)
    ax = fig.axes[0]
    assert ax.get_title() and "ms" in ax.get_xlabel()
