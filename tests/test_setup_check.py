"""00_setup's helpers: versions against pins, the empty-queue check, the ready check."""

from __future__ import annotations

from helpers.core.backend import client
from helpers.core.display import columns
from helpers.core.messages import say
from helpers.core.resources import ensure_queue
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
    assert setup_check.VersionRow("python", "3.12.1", None).ok


def test_print_versions_marks_each_row(capsys):
    setup_check.print_versions([setup_check.VersionRow("boto3", None, "1.44.5"), setup_check.VersionRow("moto", "5", "5")])
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == [say("setup.versions.package"), say("setup.versions.installed"), say("setup.versions.pinned")]
    assert "missing" in out[1] and out[1].endswith("❌") and out[2].endswith("✅")


def test_version_columns_line_up_under_wide_headings(capsys, monkeypatch):
    wide = {"setup.versions.package": "パッケージ", "setup.versions.installed": "インストール済み",
            "setup.versions.pinned": "固定バージョン", "setup.versions.missing": "未インストール"}
    monkeypatch.setattr(setup_check, "say", lambda key: wide[key])
    setup_check.print_versions([setup_check.VersionRow("boto3", None, "1.44.5"), setup_check.VersionRow("moto", "5.2.5", "5.2.5")])
    header, missing, ok = capsys.readouterr().out.splitlines()

    def column_of(line: str, text: str) -> int:
        return columns(line[: line.index(text)])

    assert column_of(header, "インストール済み") == column_of(missing, "未インストール") == column_of(ok, "5.2.5")
    assert column_of(header, "固定バージョン") == column_of(missing, "1.44.5")



def test_in_a_notebook_the_versions_are_an_html_table(monkeypatch):
    shown = []

    class Kernel:
        kernel = object()

    monkeypatch.setattr("IPython.get_ipython", lambda: Kernel())
    monkeypatch.setattr("IPython.display.display", shown.append)
    setup_check.print_versions([setup_check.VersionRow("boto3", None, "1.44.5")])
    html = shown[0]._repr_html_()
    assert f"<th style='text-align:left'>{say('setup.versions.installed')}</th>" in html
    assert f"<td style='text-align:left'>{say('setup.versions.missing')}</td>" in html and "❌" in html


def test_is_empty_sees_waiting_and_in_flight_messages(own_prefix):
    sqs = client("sqs")
    url = ensure_queue("empty-check")
    assert setup_check.is_empty(url)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert not setup_check.is_empty(url)  # waiting
    message = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]
    assert not setup_check.is_empty(url)  # received: hidden, not gone
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert setup_check.is_empty(url)


def test_readiness_needs_every_check(backend, capsys):
    rows = setup_check.versions()
    ready = setup_check.readiness(rows, round_trip_ok=True)
    assert ready.ok and len(ready.checks) == 4
    assert not setup_check.readiness(rows, round_trip_ok=False).ok
    assert not setup_check.readiness([setup_check.VersionRow("boto3", None, "1")], round_trip_ok=True).ok
    setup_check.readiness(rows, round_trip_ok=False).show()
    out = capsys.readouterr().out
    assert f"❌ {say('setup.ready.round_trip')}" in out and f"✅ {say('setup.ready.python')}" in out
