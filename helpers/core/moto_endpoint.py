"""Run a command against a moto server on 127.0.0.1, as ``WORKSHOP_BACKEND=aws`` with an endpoint.

Why: the notebooks and tests must also work over real HTTP (the code path real AWS and
LocalStack use). CI runs ``python -m helpers.core.moto_endpoint -- pytest …``; a learner can run
``python -m helpers.core.moto_endpoint -- jupyter lab`` to try the endpoint mode without an account.

The server is started on a free port, the command runs with ``AWS_ENDPOINT_URL`` pointing at it
(and fake credentials), and the server is stopped afterwards whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def moto_server(port: int | None = None, timeout_s: float = 30.0) -> Iterator[str]:
    """Start ``moto.server`` on 127.0.0.1 and yield its URL; stop it on exit."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "helpers.core.moto_endpoint", "--serve", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        # The server must not see the caller's AWS_* settings (a missing AWS_PROFILE breaks every request).
        env={k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start on {url}") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def endpoint_env(url: str) -> dict[str, str]:
    """The environment that sends the workshop's calls to ``url`` over HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "WORKSHOP_BACKEND": "aws",
            "AWS_ENDPOINT_URL": url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-northeast-1"),
            "NO_PROXY": "127.0.0.1,localhost",
        }
    )
    return env


def serve(port: int) -> None:
    """Run moto's server on 127.0.0.1:``port`` with the same SQS speed fix as moto mode."""
    from moto import server

    from . import moto_patches

    moto_patches.apply()
    server.main(["-H", "127.0.0.1", "-p", str(port)])


def main(argv: list[str]) -> int:
    """``python -m helpers.core.moto_endpoint -- COMMAND …`` (or ``--serve PORT`` to run just the server)."""
    if argv[:1] == ["--serve"]:
        serve(int(argv[1]))
        return 0
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print("usage: python -m helpers.core.moto_endpoint -- COMMAND [ARGS…]", file=sys.stderr)
        return 2
    with moto_server() as url:
        print(f"moto server on {url}: running {' '.join(argv)} with WORKSHOP_BACKEND=aws", flush=True)
        return subprocess.call(argv, env=endpoint_env(url))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
