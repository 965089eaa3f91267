"""JupyterHub settings for an Async First Steps class: moto by default, one resource prefix per attendee.

The same file serves every way this repository runs a hub:

- The Littlest JupyterHub: copy it to ``/opt/tljh/config/jupyterhub_config.d/`` (hub/tljh/setup.sh does);
- Zero to JupyterHub: ``helm upgrade ... --set-file hub.extraConfig.asyncFirstSteps=hub/jupyterhub_config.d/async_first_steps.py``;
- the local hub test (tests/test_hub.py) loads it with ``load_subconfig``.

Every attendee's server gets ``WORKSHOP_BACKEND=moto`` (unless the operator set another value in
``Spawner.environment``) and ``WORKSHOP_PREFIX=afs-<name>-<hash>``: a prefix derived from the
JupyterHub user name, so two attendees never share one, and a restarted server keeps it.
"""

from __future__ import annotations

import hashlib
import re

#: What helpers.resources accepts as a prefix (kept in step with its _PREFIX_RE).
PREFIX_PATTERN = re.compile(r"^[a-z][a-z0-9-]{2,19}$")


def workshop_prefix(username: str) -> str:
    """The resource prefix for one attendee: ``afs-`` + up to 10 letters/digits of the name + 4 hex of its hash.

    The hash keeps two names that clean up to the same letters (``Ann.Lee`` and ``ann-lee``) apart.
    """
    letters = re.sub(r"[^a-z0-9]", "", username.lower())[:10] or "user"
    digest = hashlib.sha256(username.encode("utf-8")).hexdigest()[:4]
    return f"afs-{letters}-{digest}"


def workshop_environment(spawner) -> None:
    """``Spawner.pre_spawn_hook``: moto unless the operator chose a backend, and the attendee's own prefix."""
    env = dict(spawner.environment)
    env.setdefault("WORKSHOP_BACKEND", "moto")
    env["WORKSHOP_PREFIX"] = workshop_prefix(spawner.user.name)
    spawner.environment = env


if "c" in globals():  # executed as JupyterHub configuration (TLJH, Z2JH, load_subconfig), not imported
    c.Spawner.pre_spawn_hook = workshop_environment  # noqa: F821
