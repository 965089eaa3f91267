"""Helpers behind the Async First Steps notebooks.

Start every notebook with ``use_backend()``: it decides where AWS calls go (moto by default)
and every other helper gets its clients from :func:`helpers.core.backend.client`.
"""

from .core.backend import client, current, use_backend
from .core.exercises import check, claim, hint, solution
from .core.messages import WorkshopError

__all__ = ["check", "claim", "client", "current", "hint", "solution", "use_backend", "WorkshopError"]

from .core.backend import _install_ipython_handler

_install_ipython_handler()  # WorkshopError shows as one sentence even before use_backend() runs
