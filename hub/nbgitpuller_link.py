"""Print the nbgitpuller link that hands the workshop's notebooks to every attendee of a class hub.

The first click clones the repository into the attendee's home (``~/<repo name>``) and opens the
notebook in JupyterLab; a later click fetches the instructor's updates and merges them without
overwriting the attendee's own changes. Format (nbgitpuller's "Options in an nbgitpuller URL"):

    <hub>/hub/user-redirect/git-pull?repo=<git url>&urlpath=lab/tree/<repo name>/<file>&branch=<branch>

    python hub/nbgitpuller_link.py --hub https://hub.example.org
    python hub/nbgitpuller_link.py --hub https://hub.example.org --notebook notebooks/03_queues.ipynb --branch v1.0
"""

from __future__ import annotations

import argparse
from urllib.parse import urlencode, urlsplit

DEFAULT_REPO = "https://github.com/async-first-steps/async-first-steps"
DEFAULT_NOTEBOOK = "notebooks/00_setup.ipynb"


def repo_folder(repo: str) -> str:
    """The folder ``git clone <repo>`` creates: the last path part without ``.git``."""
    name = urlsplit(repo).path.rstrip("/").rsplit("/", 1)[-1]
    name = name.removesuffix(".git")
    if not name:
        raise ValueError(f"cannot tell the folder name from the repository URL {repo!r}")
    return name


def nbgitpuller_link(hub: str, repo: str = DEFAULT_REPO, notebook: str = DEFAULT_NOTEBOOK, branch: str = "main") -> str:
    """The link for ``hub`` (its public URL) that clones ``repo`` at ``branch`` and opens ``notebook`` in JupyterLab."""
    parts = urlsplit(hub)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the hub URL must start with https:// (or http://), got {hub!r}")
    query = urlencode({
        "repo": repo,
        "urlpath": f"lab/tree/{repo_folder(repo)}/{notebook.lstrip('/')}",
        "branch": branch,
    })
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hub", required=True, help="the hub's public URL, e.g. https://hub.example.org")
    parser.add_argument("--repo", default=DEFAULT_REPO, help="git URL of the workshop (default: %(default)s)")
    parser.add_argument("--branch", default="main", help="branch or tag to hand out (default: %(default)s)")
    parser.add_argument("--notebook", default=DEFAULT_NOTEBOOK, help="file to open (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        print(nbgitpuller_link(args.hub, args.repo, args.notebook, args.branch))
    except ValueError as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
