"""The one seam that decides where AWS calls go. Nothing else in the project knows.

Two backends:

* ``moto`` (default): AWS in this Python process. The mock is started for the whole kernel
  *before* any boto3 client exists, credentials are fake, ``AWS_PROFILE`` and any
  ``AWS_ENDPOINT_URL`` are dropped, so no request can leave the machine.
* ``aws``: the real AWS API, or whatever ``AWS_ENDPOINT_URL`` points at (LocalStack, a moto
  server). Same code path as production.

Choose with the ``WORKSHOP_BACKEND`` environment variable or ``use_backend("aws")`` in a
notebook's first cell. Every helper gets its clients from :func:`client`.

Thread safety. moto is not thread-safe (measured: lost and duplicated SQS messages, inexact
DynamoDB counters with a few threads). The demos run consumer threads, so when calls go to
moto (in-process, or a moto server / emulator behind ``AWS_ENDPOINT_URL``) every API call is
serialized by one lock. An SQS long poll (``WaitTimeSeconds`` > 0) must not hold that lock
for seconds, so it is emulated: short receives under the lock, waiting *without* it in
between, woken early by any call that may have made a message visible. From the caller's
side it is still one ``ReceiveMessage`` (that is what :data:`API_CALLS` counts, and what AWS
would bill). The lock wraps each client's ``_make_api_call`` (botocore's single entry point
for every operation, paginators and waiters included); ``tests/test_backend.py`` fails
loudly if a botocore upgrade removes it.
"""

from __future__ import annotations

import collections
import getpass
import os
import re
import secrets
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.exceptions

from . import i18n
from .messages import WorkshopError, say

BACKENDS = ("moto", "aws")
DEFAULT_REGION = "ap-northeast-1"  # the webinar's Tokyo region
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}
# Variables that could send a moto-mode request elsewhere or pick real credentials.
_DROPPED_IN_MOTO = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
LONG_POLL_TICK_S = 0.1  # how often an emulated long poll looks again when nothing woke it
#: Error codes AWS answers when the credentials' session has run out (STS, most services, EC2-style APIs).
EXPIRED_CREDENTIALS_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
#: What botocore raises when an IAM Identity Center (SSO) login has expired or never happened.
_SSO_LOGIN_ERRORS = (
    botocore.exceptions.TokenRetrievalError,
    botocore.exceptions.UnauthorizedSSOTokenError,
    botocore.exceptions.SSOTokenLoadError,
)

#: API calls made through :func:`client`, as the caller sees them: ``{(service, operation): n}``.
API_CALLS: collections.Counter[tuple[str, str]] = collections.Counter()


@dataclass(frozen=True)
class BackendInfo:
    """Where calls go: what the first cell of every notebook prints."""

    name: str
    region: str
    account: str
    endpoint: str | None
    serialized: bool
    arn: str = ""

    @property
    def is_real_aws(self) -> bool:
        """True only for the real AWS API (no emulator endpoint)."""
        return self.name == "aws" and not self.endpoint

    def describe(self) -> str:
        """One line for the learner: backend, endpoint, account, region."""
        if self.name == "moto":
            return say("backend_moto", region=self.region, account=self.account)
        if self.endpoint:
            return say(
                "backend_endpoint",
                endpoint=self.endpoint,
                region=self.region,
                account=self.account,
                prefix=prefix(),
            )
        return say("backend_aws", account=self.account, region=self.region, arn=self.arn, prefix=prefix())


# --- the attendee's resource prefix (every resource is named <prefix>-<short name>) -----------

PREFIX_FILE = Path.home() / ".async-first-steps" / "prefix"
_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{2,19}$")
_prefix_override: str | None = None


def prefix() -> str:
    """The attendee's resource prefix: ``afs-<user>-<4 hex>``, kept in :data:`PREFIX_FILE`; ``WORKSHOP_PREFIX`` wins."""
    chosen = _prefix_override or os.environ.get("WORKSHOP_PREFIX")
    if chosen:
        return check_prefix(chosen)
    try:
        stored = PREFIX_FILE.read_text().strip()
        if _PREFIX_RE.match(stored):
            return stored
    except OSError:
        pass
    user = re.sub(r"[^a-z0-9]", "", getpass.getuser().lower())[:8] or "user"
    made = check_prefix(f"afs-{user}-{secrets.token_hex(2)}")
    try:
        PREFIX_FILE.parent.mkdir(parents=True, exist_ok=True)
        PREFIX_FILE.write_text(made + "\n")
    except OSError:
        pass  # read-only home: the prefix lives for this process only
    return made


def set_prefix(value: str | None) -> None:
    """Use ``value`` as the prefix in this process (``None`` goes back to the default)."""
    global _prefix_override
    _prefix_override = check_prefix(value) if value else None


def check_prefix(value: str) -> str:
    """``value`` if it is a usable prefix (3–20 of a-z, 0-9, '-', a letter first); else one sentence."""
    if not _PREFIX_RE.match(value):
        raise WorkshopError("bad_prefix", prefix=value)
    return value


class CredentialsExpired(WorkshopError, botocore.exceptions.ClientError):
    """AWS refused a call because the credentials expired: one sentence that says what to do.

    Still a ``ClientError`` with AWS's answer in ``response``, so code that handles AWS errors by
    their code sees the same error it would see without the workshop.
    """

    def __init__(
        self, error_response: dict[str, Any], operation_name: str, profile: str = "default", *, from_env: bool = False
    ) -> None:
        code = error_response.get("Error", {}).get("Code", "")
        # Keys exported before JupyterLab started can only be renewed there; a profile renews in place.
        self.key = "credentials_expired_env" if from_env else "credentials_expired"
        self.kwargs = {"code": code, "operation": operation_name, "profile": profile}
        Exception.__init__(self, say(self.key, **self.kwargs))  # the sentence, not ClientError's text
        self.response = error_response
        self.operation_name = operation_name


class _State:
    """Module state, guarded so helpers in worker threads see one consistent backend."""

    def __init__(self) -> None:
        self.info: BackendInfo | None = None
        self.mock: Any = None
        self.session: Any = None
        self.clients: dict[str, Any] = {}
        self.saved_env: dict[str, str | None] = {}
        self.stale = False  # the credentials expired: the next use_backend() starts a new session
        self.setup_lock = threading.RLock()


_state = _State()
# One lock for every call into a non-thread-safe backend; the condition wakes emulated long polls.
CALL_LOCK = threading.RLock()
_activity = threading.Condition(CALL_LOCK)


def use_backend(
    name: str | None = None, *, region: str | None = None, quiet: bool = False, lang: str | None = None
) -> BackendInfo:
    """Choose where AWS calls go for this kernel, and say so.

    ``name`` defaults to ``$WORKSHOP_BACKEND`` or ``"moto"``. Calling it again with the same
    backend is cheap and keeps the existing mock (and everything in it), so "Run All" twice
    works. Raises :class:`WorkshopError` with one sentence for an unknown name, missing
    credentials or an unreachable endpoint. ``lang`` chooses the language of every sentence the
    helpers show (``"ja"`` in the Japanese notebooks; default ``$WORKSHOP_LANG`` or English).
    """
    try:
        i18n.use_language(lang)
    except i18n.UnknownLanguage as err:
        raise WorkshopError("unknown_language", value=err.value, valid=err.valid) from None
    chosen = (name or os.environ.get("WORKSHOP_BACKEND") or "moto").strip().lower()
    if chosen not in BACKENDS:
        raise WorkshopError("unknown_backend", name=chosen, valid=", ".join(BACKENDS))
    _install_ipython_handler()
    with _state.setup_lock:
        if (
            _state.info is not None
            and _state.info.name == chosen
            and region in (None, _state.info.region)
            and not _state.stale
        ):
            info = _state.info
        else:
            _reset()
            info = _start_moto(region) if chosen == "moto" else _start_aws(region)
            _state.info, _state.stale = info, False
    if not quiet:
        print(info.describe())
    return info


def current() -> BackendInfo:
    """The backend in use; a clear error if the notebook's first cell has not run.

    Inside AWS Lambda (``AWS_LAMBDA_FUNCTION_NAME`` is set) the backend is chosen on first use
    from the function's environment (``WORKSHOP_BACKEND=aws``), so a lesson's handler runs there
    unchanged, as its own Lambda handler.
    """
    if _state.info is None:
        if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
            return use_backend(quiet=True)
        raise WorkshopError("not_ready")
    return _state.info


def is_ready() -> bool:
    """True once :func:`use_backend` has run in this process."""
    return _state.info is not None


def client(service: str) -> Any:
    """A boto3 client for ``service`` on the chosen backend (cached; safe to share between threads)."""
    current()
    cached = _state.clients.get(service)
    if cached is not None:
        return cached
    with _state.setup_lock:
        if service not in _state.clients:
            _state.clients[service] = _make_client(service)
        return _state.clients[service]


def session() -> Any:
    """The boto3 session behind :func:`client` (for libraries that take one, e.g. Powertools)."""
    current()
    return _state.session


def reset_api_calls() -> None:
    """Start counting API calls from zero."""
    API_CALLS.clear()


def count_api_calls(service: str | None = None, operation: str | None = None) -> int:
    """How many calls were made, optionally for one service and/or operation."""
    return sum(
        n
        for (svc, op), n in API_CALLS.items()
        if (service is None or svc == service) and (operation is None or op == operation)
    )


# --- internals ----------------------------------------------------------------------------


def _reset() -> None:
    """Forget clients, stop a running mock and restore the environment we changed."""
    _state.clients.clear()
    if _state.mock is not None:
        _state.mock.stop()
        _state.mock = None
    for key, value in _state.saved_env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _state.saved_env.clear()
    _state.info = None
    _state.session = None
    _state.stale = False


def _set_env(key: str, value: str | None) -> None:
    _state.saved_env.setdefault(key, os.environ.get(key))
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


def _region(region: str | None) -> str:
    return region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def _start_moto(region: str | None) -> BackendInfo:
    chosen_region = _region(region)
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        print(say("endpoint_ignored_in_moto", endpoint=endpoint), file=sys.stderr)
    # Environment first: no client may exist before the mock and the fake credentials.
    for key in _DROPPED_IN_MOTO:
        _set_env(key, None)
    for key in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL")]:
        _set_env(key, None)
    for key, value in FAKE_CREDENTIALS.items():
        _set_env(key, value)
    _set_env("AWS_DEFAULT_REGION", chosen_region)
    _set_env("AWS_REGION", chosen_region)

    from moto import mock_aws  # imported only now, after the environment is safe

    from . import moto_patches

    moto_patches.apply()  # ReceiveMessage O(backlog) → near O(1); see moto_patches
    mock = mock_aws()
    mock.start()
    _state.mock = mock
    import boto3

    _state.session = boto3.Session(region_name=chosen_region)
    _state.info = BackendInfo("moto", chosen_region, "pending", None, serialized=True)
    account = client("sts").get_caller_identity()["Account"]
    return BackendInfo("moto", chosen_region, account, None, serialized=True)


def _start_aws(region: str | None) -> BackendInfo:
    import boto3

    chosen_region = _region(region)
    endpoint = os.environ.get("AWS_ENDPOINT_URL") or None
    try:
        sess = boto3.Session(region_name=chosen_region)
    except botocore.exceptions.ProfileNotFound as exc:
        raise WorkshopError("profile_not_found", profile=exc.kwargs.get("profile", "?")) from exc
    if sess.get_credentials() is None:
        raise WorkshopError("no_credentials")
    if endpoint and not _reachable(endpoint):
        raise WorkshopError("endpoint_unreachable", endpoint=endpoint)
    # Emulators (moto server, LocalStack) may share moto's thread-safety limits: serialize them.
    serialized = bool(endpoint) and os.environ.get("WORKSHOP_SERIALIZE", "1") != "0"
    _state.session = sess
    _state.info = BackendInfo("aws", chosen_region, "pending", endpoint, serialized=serialized)
    try:
        ident = client("sts").get_caller_identity()
    except WorkshopError:  # an expired login, a dead proxy: the seam already said what to do
        _reset()
        raise
    except botocore.exceptions.EndpointConnectionError as exc:
        _reset()
        if endpoint:
            raise WorkshopError("endpoint_unreachable", endpoint=endpoint) from exc
        raise WorkshopError("aws_unreachable", url=exc.kwargs.get("endpoint_url", "AWS")) from exc
    except (botocore.exceptions.ClientError, botocore.exceptions.NoCredentialsError) as exc:
        _reset()
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
        raise WorkshopError("aws_call_failed", code=code) from exc
    return BackendInfo("aws", chosen_region, ident["Account"], endpoint, serialized, ident.get("Arn", ""))


def _reachable(endpoint: str, timeout: float = 2.0) -> bool:
    parsed = urllib.parse.urlparse(endpoint)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname or "localhost", port), timeout=timeout):
            return True
    except OSError:
        return False


def _make_client(service: str) -> Any:
    from botocore.config import Config

    info = _state.info
    assert info is not None
    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=3 if info.endpoint else 10,
        read_timeout=70,
        max_pool_connections=32,
    )
    raw = _state.session.client(service, endpoint_url=info.endpoint, config=config)
    _wrap_calls(raw, service, serialized=info.serialized)
    return raw


def _wrap_calls(raw: Any, service: str, *, serialized: bool) -> None:
    """Count every call; when the backend is not thread-safe, serialize it (see module doc); turn a
    broken environment (expired credentials or login, a dead proxy) into one sentence (:func:`_explained`)."""
    original: Callable[[str, dict[str, Any]], dict[str, Any]] = raw._make_api_call

    def call(operation_name: str, api_params: dict[str, Any]) -> dict[str, Any]:
        API_CALLS[(service, operation_name)] += 1
        try:
            return locked(operation_name, api_params)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            explained = _explained(exc, operation_name)
            if explained is None:
                raise  # any other AWS error reaches the caller as AWS sent it
            raise explained from exc

    def locked(operation_name: str, api_params: dict[str, Any]) -> dict[str, Any]:
        if not serialized:
            return original(operation_name, api_params)
        wait = api_params.get("WaitTimeSeconds") or 0
        if service == "sqs" and operation_name == "ReceiveMessage" and wait > 0:
            return _emulated_long_poll(original, api_params, wait)
        with _activity:
            try:
                return original(operation_name, api_params)
            finally:
                _activity.notify_all()

    call.__wrapped__ = original  # type: ignore[attr-defined]
    raw._make_api_call = call


def _explained(exc: Exception, operation: str) -> WorkshopError | None:
    """The one sentence for an error the environment caused, or None for every other error.

    Expired credentials (any call, e.g. an hour into a class), an expired IAM Identity Center
    login, and a proxy that does not answer. The learner can act on each; none is a bug in their
    code. After expired credentials the next :func:`use_backend` starts a new session, so running
    the set-up cell again picks up the renewed ones.
    """
    profile = (_state.session.profile_name if _state.session is not None else None) or "default"
    if isinstance(exc, botocore.exceptions.ClientError):
        if exc.response.get("Error", {}).get("Code") not in EXPIRED_CREDENTIALS_CODES:
            return None
        _mark_stale()
        return CredentialsExpired(exc.response, operation, profile, from_env=_credentials_method() == "env")
    if isinstance(exc, _SSO_LOGIN_ERRORS):
        _mark_stale()
        return WorkshopError("sso_login_expired", profile=profile)
    if isinstance(exc, botocore.exceptions.ProxyConnectionError):
        return WorkshopError("proxy_unreachable", proxy=exc.kwargs.get("proxy_url", "?"))
    return None


def _credentials_method() -> str | None:
    """Where the session's credentials come from, as botocore names it ("env", "sso", "shared-credentials-file", …)."""
    try:
        creds = _state.session.get_credentials() if _state.session is not None else None
    except botocore.exceptions.BotoCoreError:
        return None
    return getattr(creds, "method", None)


def _mark_stale() -> None:
    """Make the next :func:`use_backend` start a new session (real AWS only: moto's state must survive)."""
    if _state.info is not None and _state.info.name == "aws":
        _state.stale = True


_polling: set[int] = set()  # threads inside an emulated long poll right now
_interrupted: set[int] = set()  # … of which these should return at once


def interrupt_long_poll(thread_ident: int | None) -> None:
    """End the emulated long poll thread ``thread_ident`` is in, now (with no messages), e.g. to stop a worker.

    A thread that is not polling is left alone (its next poll runs normally). Only emulated polls
    (moto, emulators) can be cut short; on real AWS the poll runs its course.
    """
    with _activity:
        if thread_ident in _polling:
            _interrupted.add(thread_ident)
            _activity.notify_all()


def _emulated_long_poll(
    original: Callable[[str, dict[str, Any]], dict[str, Any]], api_params: dict[str, Any], wait: float
) -> dict[str, Any]:
    deadline = time.monotonic() + float(wait)
    params = {**api_params, "WaitTimeSeconds": 0}
    me = threading.get_ident()
    with _activity:
        _polling.add(me)
        try:
            while True:
                response = original("ReceiveMessage", params)
                remaining = deadline - time.monotonic()
                if response.get("Messages") or remaining <= 0 or me in _interrupted:
                    return response
                _activity.wait(timeout=min(LONG_POLL_TICK_S, remaining))  # releases the lock
        finally:
            _polling.discard(me)
            _interrupted.discard(me)


def _install_ipython_handler() -> None:
    """Show :class:`WorkshopError` as its one sentence in Jupyter, and a ``NameError`` with a hint
    (see :mod:`helpers.core.display`). Outside IPython nothing is imported or changed."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: a normal exception is fine
        return
    if get_ipython() is not None:
        from . import display

        display.install_error_display()
