"""Shared test fixtures: one backend per session (moto unless WORKSHOP_BACKEND says otherwise),
isolated by a random prefix, with a trap that makes any call escaping the seam fail loudly.

In moto mode the whole session, and every notebook kernel nbval starts from it, runs with
real-looking credentials, a profile that does not exist and HTTP(S)_PROXY pointing at a closed
local port (only 127.0.0.1 bypasses it, for the workshop's own local API and JupyterLab):
if any request escaped moto, the notebooks and tests would fail. ``WORKSHOP_BACKEND=aws`` with
``AWS_ENDPOINT_URL`` (CI's endpoint run, a moto server) runs the same tests over real HTTP.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator

import pytest

from helpers.core import backend as backend_mod
from helpers.core import resources

#: Real-looking credentials and a dead proxy: a boto3 client made outside helpers.core.backend in moto
#: mode cannot reach AWS (and would not be authorised if it did).
LEAK_TRAP: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "AKIALEAKTRAP00000000",
    "AWS_SECRET_ACCESS_KEY": "leak-trap-not-a-real-secret",
    "AWS_PROFILE": "leak-trap",
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    "AWS_EC2_METADATA_DISABLED": "true",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}


def moto_mode() -> bool:
    """True when the suite runs on moto (the default)."""
    return (os.environ.get("WORKSHOP_BACKEND") or "moto").strip().lower() == "moto"


if moto_mode():
    os.environ.update(LEAK_TRAP)

#: The property each real-browser test records: ``[notebook, seconds, outcome and phases]``.
BROWSER_TIMING = "jupyterlab_timing"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """What each notebook took in JupyterLab, read from the reports (so also when xdist workers ran them)."""
    rows = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for key, value in getattr(report, "user_properties", ())
        if key == BROWSER_TIMING
    ]
    if not rows:
        return
    terminalreporter.section("notebooks in JupyterLab (headless Chromium)")
    for name, seconds, outcome in rows:
        terminalreporter.write_line(f"{name:<40} {seconds:6.1f} s  {outcome}")
    terminalreporter.write_line(f"total {sum(seconds for _, seconds, _ in rows):.0f} s; screenshots: artifacts/screenshots/")


@pytest.fixture(scope="session")
def backend() -> backend_mod.BackendInfo:
    """The session's backend (moto by default), resources under a fresh ``t-<hex>`` prefix."""
    info = backend_mod.use_backend(quiet=True)
    resources.set_prefix(f"t-{secrets.token_hex(2)}")
    return info


@contextlib.contextmanager
def _prefix_of_its_own(kind: str) -> Iterator[str]:
    """Switch to a fresh prefix ``t-<kind><hex>``; on the way out delete what was made under it and switch back."""
    mine = resources.prefix()
    resources.set_prefix(f"t-{kind}{secrets.token_hex(2)}")
    try:
        yield resources.prefix()
    finally:
        resources.teardown()
        resources.set_prefix(mine)


@pytest.fixture
def own_prefix(backend):
    """A prefix of this test's own (``t-own<hex>``), torn down afterwards, so it cannot touch other tests' resources."""
    with _prefix_of_its_own("own") as mine:
        yield mine


@pytest.fixture(scope="module")
def module_own_prefix(backend):
    """:func:`own_prefix` for a whole test module (``t-mod<hex>``): module-scoped shops and queues build on it."""
    with _prefix_of_its_own("mod") as mine:
        yield mine
