"""hub/: the class settings every hub loads, the nbgitpuller link, and the Z2JH values agree with the repository."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType, SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "hub"


def load(path: Path) -> ModuleType:
    """Import a file of hub/ as a module (hub/ is configuration, not a package)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


config = load(HUB / "jupyterhub_config.d" / "async_first_steps.py")
links = load(HUB / "nbgitpuller_link.py")


def test_the_prefix_pattern_is_the_one_helpers_accepts():
    sources = [p.read_text() for p in (ROOT / "helpers").rglob("*.py")]
    assert any(config.PREFIX_PATTERN.pattern in s for s in sources), "hub's PREFIX_PATTERN drifted from helpers' prefix rule"


@pytest.mark.parametrize("name", ["ada", "grace", "a", "Ann.Lee", "ann-lee", "x" * 60, "ユーザー", "42", "first.last@example.org"])
def test_every_user_name_gets_a_valid_prefix(name: str):
    prefix = config.workshop_prefix(name)
    assert config.PREFIX_PATTERN.match(prefix), f"{name!r} -> {prefix!r} is not a valid workshop prefix"
    assert config.workshop_prefix(name) == prefix, "the prefix must not change between server starts"


def test_names_that_clean_up_alike_still_get_different_prefixes():
    names = ["Ann.Lee", "ann-lee", "annlee", "ユーザー", "ユーザ", "x" * 30, "x" * 31]
    prefixes = [config.workshop_prefix(n) for n in names]
    assert len(set(prefixes)) == len(names), dict(zip(names, prefixes, strict=True))


def spawner(name: str, environment: dict[str, str] | None = None) -> SimpleNamespace:
    return SimpleNamespace(user=SimpleNamespace(name=name), environment=dict(environment or {}))


def test_the_spawn_hook_sets_moto_and_the_attendees_prefix():
    s = spawner("grace", {"PYTHONPATH": "/srv"})
    config.workshop_environment(s)
    assert s.environment == {"PYTHONPATH": "/srv", "WORKSHOP_BACKEND": "moto", "WORKSHOP_PREFIX": config.workshop_prefix("grace")}


def test_the_spawn_hook_keeps_a_backend_the_operator_chose():
    s = spawner("grace", {"WORKSHOP_BACKEND": "aws"})
    config.workshop_environment(s)
    assert s.environment["WORKSHOP_BACKEND"] == "aws"


def test_the_snippet_registers_the_hook_when_run_as_jupyterhub_config():
    c = SimpleNamespace(Spawner=SimpleNamespace())
    namespace = {"c": c}
    exec(compile((HUB / "jupyterhub_config.d" / "async_first_steps.py").read_text(), "snippet", "exec"), namespace)
    assert c.Spawner.pre_spawn_hook is namespace["workshop_environment"]


def test_the_nbgitpuller_link_opens_00_setup_in_jupyterlab():
    url = links.nbgitpuller_link("https://hub.example.org/", branch="v1.0")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "hub.example.org", "/hub/user-redirect/git-pull")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "repo": links.DEFAULT_REPO,
        "urlpath": "lab/tree/async-first-steps/notebooks/00_setup.ipynb",
        "branch": "v1.0",
    }


def test_the_link_names_the_folder_git_clone_makes():
    url = links.nbgitpuller_link("http://10.0.0.5", repo="https://example.org/team/afs-fork.git", notebook="notebooks/03_queues.ipynb")
    assert parse_qs(urlsplit(url).query)["urlpath"] == ["lab/tree/afs-fork/notebooks/03_queues.ipynb"]


def test_a_hub_url_without_a_scheme_is_refused_in_one_sentence():
    with pytest.raises(ValueError, match="must start with https://"):
        links.nbgitpuller_link("hub.example.org")


def test_z2jh_values_use_keys_of_the_chart_and_files_that_exist():
    values = yaml.safe_load((HUB / "z2jh" / "values.yaml").read_text())
    single = values["singleuser"]
    assert set(single["image"]) == {"name", "tag"}
    assert single["extraEnv"]["WORKSHOP_BACKEND"] == "moto"
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "shared-password"
    mount = values["hub"]["extraFiles"]["asyncFirstSteps"]["mountPath"]
    assert mount == "/usr/local/etc/jupyterhub/jupyterhub_config.d/async_first_steps.py"
    readme = (HUB / "z2jh" / "README.md").read_text()
    assert "--set-file hub.extraFiles.asyncFirstSteps.stringData=hub/jupyterhub_config.d/async_first_steps.py" in readme
    culler = json.loads((HUB / "jupyter_server_config.d" / "async_first_steps.json").read_text())
    assert single["extraFiles"]["kernelCuller"]["data"] == culler, "Z2JH's kernel culler differs from TLJH's"
    assert "--target-repo-dir=/srv/async-first-steps" in readme
    assert "/srv/async-first-steps/notebooks" in single["lifecycleHooks"]["postStart"]["exec"]["command"][-1]


def test_the_hubs_jupyterhub_major_version_matches_the_pin():
    pin = re.search(r"^jupyterhub==(\d+)\.", (ROOT / "requirements.txt").read_text(), re.M)
    assert pin, "requirements.txt must pin jupyterhub"
    assert pin.group(1) == "5", "TLJH 2.x and Z2JH chart 4.x run JupyterHub 5: attendees' servers must match"


def test_tljh_setup_installs_what_the_hub_needs():
    script = (HUB / "tljh" / "setup.sh").read_text()
    for needed in (
        "requirements.txt",
        "--no-deps -e",
        "jupyterhub_config.d/async_first_steps.py",
        "jupyter_server_config.d/async_first_steps.json",
        "user_environment.default_app jupyterlab",
        "nbgitpuller_link.py",
    ):
        assert needed in script, f"hub/tljh/setup.sh no longer does: {needed}"
