#!/usr/bin/env bash
# Set up an installed The Littlest JupyterHub (TLJH) for an Async First Steps class.
# Run once as root on the hub's VM, after the TLJH installer has finished (docs/hub.md, step 2):
#
#   sudo REF=main USER_PASSWORD='a-class-password' bash setup.sh
#
# What it does, in order:
#   1. clones this repository at $REF into /opt/async-first-steps (read-only for attendees);
#   2. installs requirements.txt and the helpers package (editable, from that clone) into TLJH's
#      user environment /opt/tljh/user, so every attendee's kernel can `import helpers` (and explains
#      a NameError after a kernel restart: helpers.core.display);
#   3. copies hub/jupyterhub_config.d/async_first_steps.py into TLJH's config snippets
#      (moto by default, one WORKSHOP_PREFIX per attendee) and the kernel culler's settings
#      into the user environment's Jupyter server config;
#   4. sets JupyterLab as the default app, a shared class password, per-attendee limits and the
#      idle culler with tljh-config, then reloads the hub;
#   5. prints the nbgitpuller link to hand out.
#
# Variables (all optional except USER_PASSWORD on a first run):
#   REPO_URL       git URL of the workshop        (default: https://github.com/async-first-steps/async-first-steps)
#   REF            branch or tag to serve         (default: main)
#   USER_PASSWORD  the class password, 8+ characters (SharedPasswordAuthenticator); unset: keep the current login
#   MEMORY_LIMIT   memory per attendee            (default: 1G; the load test measures about 0.4 GiB)
#   CPU_LIMIT      cores per attendee             (default: 1)
#   HUB_URL        the hub's public URL, for the printed link (default: http://<this machine's IP>)
set -euo pipefail

REPO_URL="${REPO_URL:-https://github.com/async-first-steps/async-first-steps}"
REF="${REF:-main}"
MEMORY_LIMIT="${MEMORY_LIMIT:-1G}"
CPU_LIMIT="${CPU_LIMIT:-1}"
DEST=/opt/async-first-steps
USER_ENV=/opt/tljh/user
TLJH_CONFIG=/opt/tljh/hub/bin/tljh-config

if [[ $(id -u) -ne 0 ]]; then
  echo "Run this as root (sudo bash $0): it writes to /opt/tljh and /opt/async-first-steps." >&2
  exit 1
fi
if [[ ! -x "$USER_ENV/bin/pip" || ! -x "$TLJH_CONFIG" ]]; then
  echo "The Littlest JupyterHub is not installed here (no $USER_ENV/bin/pip or $TLJH_CONFIG); install it first." >&2
  exit 1
fi

echo "== 1. the workshop at $REF in $DEST"
if [[ -d "$DEST/.git" ]]; then
  git -C "$DEST" fetch --quiet --tags origin
else
  git clone --quiet "$REPO_URL" "$DEST"
fi
git -C "$DEST" checkout --quiet --force "$REF"
git -C "$DEST" pull --quiet --ff-only 2>/dev/null || true  # a branch moves on; a tag stays put

echo "== 2. requirements and helpers into the user environment ($USER_ENV)"
"$USER_ENV/bin/pip" install --quiet -r "$DEST/requirements.txt"
"$USER_ENV/bin/pip" install --quiet --no-deps -e "$DEST"
"$USER_ENV/bin/python" -c "from helpers.core.display import install_kernel_config; install_kernel_config()"  # a NameError after a kernel restart says what to do

echo "== 3. class settings: hub snippet and kernel culler"
install -D -m 0644 "$DEST/hub/jupyterhub_config.d/async_first_steps.py" \
  /opt/tljh/config/jupyterhub_config.d/async_first_steps.py
install -D -m 0644 "$DEST/hub/jupyter_server_config.d/async_first_steps.json" \
  "$USER_ENV/etc/jupyter/jupyter_server_config.d/async_first_steps.json"

echo "== 4. tljh-config: JupyterLab, login, limits, idle culler"
"$TLJH_CONFIG" set user_environment.default_app jupyterlab
if [[ -n "${USER_PASSWORD:-}" ]]; then
  "$TLJH_CONFIG" set auth.type shared-password
  "$TLJH_CONFIG" set auth.SharedPasswordAuthenticator.user_password "$USER_PASSWORD"
  "$TLJH_CONFIG" set auth.SharedPasswordAuthenticator.allow_all true
fi
"$TLJH_CONFIG" set limits.memory "$MEMORY_LIMIT"
"$TLJH_CONFIG" set limits.cpu "$CPU_LIMIT"
"$TLJH_CONFIG" set services.cull.timeout 3600
"$TLJH_CONFIG" set services.cull.every 300
"$TLJH_CONFIG" reload

echo "== 5. the link to hand out"
HUB_URL="${HUB_URL:-http://$(hostname -I | awk '{print $1}')}"
"$USER_ENV/bin/python" "$DEST/hub/nbgitpuller_link.py" --hub "$HUB_URL" --repo "$REPO_URL" --branch "$REF"
