"""What a learner sees when the environment breaks in class (docs/instructor.md, "Troubleshooting").

Each test reproduces one failure the way it happens in a room and asserts the one sentence the
learner reads instead of a traceback: a dead proxy, an expired SSO login, credentials that expire
in the middle of a notebook, a name lost to a kernel restart, a claim after skipped cells, and
``--help`` on the IAM policy command.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import botocore.exceptions
import pytest
from botocore.stub import Stubber

from helpers.core import backend as backend_mod
from helpers.core import display, exercises
from helpers.core.messages import WorkshopError, say

ROOT = Path(__file__).resolve().parents[1]
FIRST_CELL = (
    "from helpers import use_backend\n"
    "try:\n    use_backend()\nexcept Exception as e:\n    print(type(e).__name__, '|', e)\n"
)
PROXY_VARS = ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "NO_PROXY", "no_proxy")


def run_py(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (or ``-m module args``) in a fresh interpreter: no AWS_*, proxy or backend variables but ``env``."""
    drop = ("AWS_", "WORKSHOP_BACKEND", *PROXY_VARS)
    full = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    full.update(env)
    command = [sys.executable, *args] if args else [sys.executable, "-c", code]
    return subprocess.run(command, env=full, capture_output=True, text=True, timeout=120, cwd=ROOT)


def dead_proxy(url: str = "http://127.0.0.1:9") -> dict[str, str]:
    """A proxy on a closed local port, as both spellings of the variables (urllib reads either)."""
    return {"HTTPS_PROXY": url, "https_proxy": url, "HTTP_PROXY": url, "http_proxy": url}


AWS_WITH_KEYS = {
    "WORKSHOP_BACKEND": "aws",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE000000000",
    "AWS_SECRET_ACCESS_KEY": "not-a-secret",
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    "AWS_EC2_METADATA_DISABLED": "true",
}


# --------------------------------------------------------------------------- 1. a proxy that does not answer


def test_real_aws_behind_a_dead_proxy_is_one_sentence_naming_the_proxy():
    out = run_py(FIRST_CELL, {**AWS_WITH_KEYS, **dead_proxy("http://alice:s3cret@127.0.0.1:9")})
    assert out.stdout.startswith("WorkshopError | Cannot reach AWS through the proxy http://"), out.stdout + out.stderr
    assert "127.0.0.1:9" in out.stdout and "HTTPS_PROXY" in out.stdout and "NO_PROXY" in out.stdout
    assert "s3cret" not in out.stdout  # a password in the proxy URL is never shown


def test_real_aws_out_of_reach_without_a_proxy_does_not_talk_about_emulators():
    """No network (here: STS sent to a closed port): the sentence is about the network, not LocalStack."""
    out = run_py(FIRST_CELL, {**AWS_WITH_KEYS, "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"})
    assert out.stdout.startswith("WorkshopError | Cannot reach AWS at http://127.0.0.1:9"), out.stdout + out.stderr
    assert "LocalStack" not in out.stdout and "WORKSHOP_BACKEND=moto" in out.stdout


# --------------------------------------------------------------------------- 2. an expired SSO login


def _sso_home(home: Path, *, token: bool = True) -> None:
    """An AWS config with an IAM Identity Center profile (``class``, via an sso-session) and a legacy
    one (``legacy``), and token caches that expired in 2020 (no refresh is possible)."""
    aws = home / ".aws"
    (aws / "sso" / "cache").mkdir(parents=True)
    (aws / "config").write_text(
        "[profile class]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Learner\n"
        "region = ap-northeast-1\n\n"
        "[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = ap-northeast-1\n"
        "sso_registration_scopes = sso:account:access\n\n"
        "[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = ap-northeast-1\n"
        "sso_account_id = 111122223333\nsso_role_name = Learner\nregion = ap-northeast-1\n"
    )
    if token:
        for key in ("corp", "https://legacy.awsapps.com/start"):
            cached = aws / "sso" / "cache" / f"{hashlib.sha1(key.encode()).hexdigest()}.json"
            cached.write_text(json.dumps({
                "startUrl": "https://example.awsapps.com/start", "region": "ap-northeast-1",
                "accessToken": "expired", "expiresAt": "2020-01-01T00:00:00Z",
            }))


@pytest.mark.parametrize(("profile", "token"), [("class", True), ("legacy", True), ("class", False)])
def test_an_expired_sso_login_is_one_sentence_with_the_command_to_run(tmp_path: Path, profile: str, token: bool):
    """sso-session profile (TokenRetrievalError), legacy profile (UnauthorizedSSOTokenError), never logged in."""
    _sso_home(tmp_path, token=token)
    out = run_py(FIRST_CELL, {"WORKSHOP_BACKEND": "aws", "HOME": str(tmp_path), "AWS_PROFILE": profile, **dead_proxy()})
    assert out.stdout.strip() == "WorkshopError | " + say("sso_login_expired", profile=profile), out.stdout + out.stderr
    assert f"aws sso login --profile {profile}" in out.stdout and "then run the set-up cell (use_backend()) again" in out.stdout


def test_a_misspelt_profile_is_one_sentence(tmp_path: Path):
    keys = tmp_path / "credentials"
    keys.write_text("[class]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n")
    env = {"WORKSHOP_BACKEND": "aws", "AWS_SHARED_CREDENTIALS_FILE": str(keys), "AWS_CONFIG_FILE": "/nonexistent",
           "AWS_PROFILE": "clas", **dead_proxy()}
    out = run_py(FIRST_CELL, env)
    assert out.stdout.strip() == "WorkshopError | " + say("profile_not_found", profile="clas"), out.stdout + out.stderr


# --------------------------------------------------------------------------- 3. credentials expire mid-notebook


@pytest.mark.parametrize("code", ["ExpiredToken", "ExpiredTokenException", "RequestExpired"])
def test_credentials_expiring_mid_notebook_are_one_sentence_from_deep_inside_the_helpers(backend, code: str):
    from helpers.core.resources import ensure_queue

    sqs = backend_mod.client("sqs")
    with Stubber(sqs) as stub:
        stub.add_client_error(
            "get_queue_url", service_error_code=code, http_status_code=403,
            service_message="The security token included in the request is expired",
        )
        with pytest.raises(WorkshopError) as err:
            ensure_queue("expired")  # the helper's first call is GetQueueUrl, as in the reproduced class
    assert f"Your AWS credentials have expired (GetQueueUrl got {code})" in str(err.value)
    assert str(err.value).endswith("run the notebook again.")  # moto's keys are environment variables
    # Code that handles AWS errors still sees the ClientError it knows, with its code.
    assert isinstance(err.value, botocore.exceptions.ClientError)
    assert err.value.response["Error"]["Code"] == code


EXPIRED_AT_SET_UP = (
    "import botocore.client, botocore.exceptions\n"
    "def expired(self, operation, params):  # what STS answers for keys whose session has ended\n"
    "    raise botocore.exceptions.ClientError({'Error': {'Code': 'ExpiredToken', 'Message': 'expired'}}, operation)\n"
    "botocore.client.BaseClient._make_api_call = expired\n"
) + FIRST_CELL


def test_expired_keys_from_the_environment_say_to_renew_them_where_jupyterlab_starts():
    out = run_py(EXPIRED_AT_SET_UP, {**AWS_WITH_KEYS, "AWS_SESSION_TOKEN": "ended", **dead_proxy()})
    expected = say("credentials_expired_env", code="ExpiredToken", operation="GetCallerIdentity")
    assert out.stdout.strip() == "CredentialsExpired | " + expected, out.stdout + out.stderr


def test_expired_keys_of_a_profile_say_to_renew_them_and_run_the_set_up_cell_again(tmp_path: Path):
    keys = tmp_path / "credentials"
    keys.write_text("[class]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = x\naws_session_token = ended\n")
    env = {"WORKSHOP_BACKEND": "aws", "AWS_SHARED_CREDENTIALS_FILE": str(keys), "AWS_CONFIG_FILE": "/nonexistent",
           "AWS_PROFILE": "class", **dead_proxy()}
    out = run_py(EXPIRED_AT_SET_UP, env)
    expected = say("credentials_expired", code="ExpiredToken", operation="GetCallerIdentity", profile="class")
    assert out.stdout.strip() == "CredentialsExpired | " + expected, out.stdout + out.stderr
    assert "aws sso login --profile class" in expected and "run the set-up cell (use_backend()) again" in expected


def test_other_aws_errors_reach_the_learners_code_unchanged(backend, own_prefix):
    """A lesson relies on ConditionalCheckFailedException reaching its except clause as AWS sent it."""
    from helpers.core.resources import ensure_table

    ddb = backend_mod.client("dynamodb")
    table = ensure_table("conditional")
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as err:
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}}, ConditionExpression="attribute_not_exists(pk)")
    assert not isinstance(err.value, WorkshopError)


RENEWED = """
import botocore.client, botocore.exceptions
def answer(self, operation, params):  # AWS refuses the old session token for everything but STS
    token = self._request_signer._credentials.get_frozen_credentials().token
    if token == "old" and operation != "GetCallerIdentity":
        raise botocore.exceptions.ClientError({"Error": {"Code": "ExpiredToken", "Message": "expired"}}, operation)
    return {"Account": "111122223333", "Arn": "arn:aws:sts::111122223333:assumed-role/Learner/aiko", "QueueUrl": "q-url"}
botocore.client.BaseClient._make_api_call = answer
from helpers import WorkshopError, client, use_backend
use_backend(quiet=True)
try:
    client("sqs").get_queue_url(QueueName="orders")
except WorkshopError as e:
    print("expired |", e)
renewed = open(CREDENTIALS).read().replace("old", "renewed")  # aws sso login, or new keys
open(CREDENTIALS, "w").write(renewed)
use_backend(quiet=True)  # the set-up cell again
print("renewed |", client("sqs").get_queue_url(QueueName="orders")["QueueUrl"])
"""


def test_the_set_up_cell_picks_up_renewed_credentials(tmp_path: Path):
    """'then run the set-up cell again' must be enough: a new session reads the renewed credentials."""
    keys = tmp_path / "credentials"
    keys.write_text("[class]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = x\naws_session_token = old\n")
    env = {"WORKSHOP_BACKEND": "aws", "AWS_SHARED_CREDENTIALS_FILE": str(keys), "AWS_CONFIG_FILE": "/nonexistent",
           "AWS_PROFILE": "class", "WORKSHOP_PREFIX": "t-renew", **dead_proxy()}
    out = run_py(f"CREDENTIALS = {str(keys)!r}\n" + RENEWED, env)
    assert out.stdout.splitlines() == [
        "expired | " + say("credentials_expired", code="ExpiredToken", operation="GetQueueUrl", profile="class"),
        "renewed | q-url",
    ], out.stdout + out.stderr


# --------------------------------------------------------------------------- 4. a name lost to a kernel restart


def _run_notebook(cells: list[str], env: dict[str, str] | None = None) -> list[list[dict]]:
    """Execute ``cells`` in a fresh python3 kernel (errors allowed); the outputs of each cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in cells])
    runner = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True)
    runner.execute(**({"env": {**os.environ, **env}} if env else {}))
    return [cell.outputs for cell in nb.cells]


def _error_text(outputs: list[dict]) -> str:
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert len(errors) == 1, outputs
    return "\n".join(errors[0]["traceback"])


def test_a_name_error_in_a_notebook_keeps_its_traceback_and_adds_the_restart_hint():
    hint_text = say("name_error_hint")
    outputs = _run_notebook([
        "import helpers",
        "ashop.run()",  # a name made by a cell above that did not run
        "def handler(event):\n    return ashop.accept(event)\n\nhandler({})",  # the learner's function
        "exec(compile('undefined_in_a_library', 'library.py', 'exec'), {})",  # not the learner's name
        "def f():\n    x += 1\n\nf()",  # UnboundLocalError: a bug in the cell, not a restart
    ])
    for cell in (1, 2):
        shown = _error_text(outputs[cell])
        assert "NameError" in shown and "name 'ashop' is not defined" in shown  # the normal error stays
        assert "Traceback (most recent call last)" in shown and "ashop." in shown  # …and its traceback
        assert hint_text in shown
    for cell in (3, 4):
        assert hint_text not in _error_text(outputs[cell])


def test_a_workshop_error_is_still_one_sentence_with_the_name_error_hint_installed():
    shown = _error_text(_run_notebook(["from helpers import claim\nclaim(False, 'two is more than five')"])[0])
    assert "Claim no longer true: two is more than five" in shown
    assert "Traceback" not in shown and "File " not in shown


def test_after_a_kernel_restart_the_hint_shows_before_any_helper_is_imported(tmp_path: Path):
    """A fresh kernel, a middle cell first: only the kernel's config can add the hint. The config
    that ``install_kernel_config`` writes loads the IPython extension."""
    written = display.install_kernel_config(tmp_path / "profile_default")
    assert written.name == "ipython_kernel_config.py"
    assert display.install_kernel_config(tmp_path / "profile_default").read_text() == written.read_text()
    outputs = _run_notebook(["ashop.run()"], env={"IPYTHONDIR": str(tmp_path)})
    assert say("name_error_hint") in _error_text(outputs[0])


def test_make_install_set_up_this_environments_kernels_with_the_hint():
    """``make install`` ran ``install_kernel_config()`` for .venv: a kernel of it,
    started the way JupyterLab starts one, shows the hint for a first cell from the middle."""
    config = Path(sys.prefix) / "etc" / "ipython" / display.KERNEL_CONFIG
    assert display.EXTENSION in (config.read_text() if config.exists() else ""), "run `make install`"
    assert say("name_error_hint") in _error_text(_run_notebook(["ashop.run()"])[0])


def test_the_kernel_config_keeps_what_was_there(tmp_path: Path):
    config = tmp_path / "ipython_kernel_config.py"
    config.write_text("c.InteractiveShellApp.exec_lines = ['x = 1']\n")
    display.install_kernel_config(tmp_path)
    display.install_kernel_config(tmp_path)
    text = config.read_text()
    assert text.startswith("c.InteractiveShellApp.exec_lines = ['x = 1']\n")
    assert text.count(display.EXTENSION) == 1


# --------------------------------------------------------------------------- 5. a claim after skipped cells


def test_a_failed_claim_says_to_run_the_notebook_from_the_top():
    with pytest.raises(exercises.ClaimFailed) as err:
        exercises.claim(False, "3 > 4")
    assert str(err.value) == (
        "❌ Claim no longer true: 3 > 4\nIf you skipped or re-ordered cells, run the notebook from the top."
    )


# --------------------------------------------------------------------------- 6. --help on a command


def test_the_iam_policy_command_answers_help_with_usage():
    out = run_py("", {}, "-m", "helpers.real_aws.iam_policy", "--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: python -m helpers.real_aws.iam_policy")
    assert "--calls" in out.stdout and "--check" in out.stdout and "Traceback" not in out.stdout + out.stderr


def test_the_iam_policy_command_refuses_a_bad_prefix_in_one_sentence():
    out = run_py("", {}, "-m", "helpers.real_aws.iam_policy", "Not_A_Prefix")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].endswith(say("bad_prefix", prefix="Not_A_Prefix"))


def test_cleanup_with_a_broken_environment_is_one_sentence_not_a_traceback():
    """`make clean-aws` at the end of a class, with the login expired or no credentials at all."""
    env = {"WORKSHOP_BACKEND": "aws", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
           "AWS_EC2_METADATA_DISABLED": "true", **dead_proxy()}
    out = run_py("", env, "-m", "helpers.core.cleanup")
    assert out.returncode == 2 and out.stderr.strip() == "⚠ " + say("no_credentials"), out.stderr
