"""For the tests of notebook 06's handlers: the shop they work on, found the way a Lambda function finds it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from helpers.core import resources
from helpers.queues import lesson as lesson_03
from helpers.together import lesson
from helpers.together.hybrid import HybridShop


@contextlib.contextmanager
def handler_shop(short: str = "orders-06", *, visibility_timeout: int = 2) -> Iterator[HybridShop]:
    """A fresh queue ``<prefix>-<short>`` in ``ORDERS_QUEUE_URL``, and ``lesson.order_shop()`` built on it (stock reset).

    Restores the variable and forgets the cached shops (06's, and 03's services, which are made
    once per process as on Lambda) before and after, so each module gets the tables of its own prefix.
    """
    url = resources.ensure_queue(short, visibility_timeout=visibility_timeout)
    resources.purge(url)
    saved = os.environ.get("ORDERS_QUEUE_URL")
    os.environ["ORDERS_QUEUE_URL"] = url
    lesson.order_shop.cache_clear()
    lesson_03.shop_services.cache_clear()
    try:
        shop = lesson.order_shop()
        shop.shop.store.reset_stock(shop.shop.catalog)
        yield shop
    finally:
        lesson.order_shop.cache_clear()
        lesson_03.shop_services.cache_clear()
        if saved is None:
            os.environ.pop("ORDERS_QUEUE_URL", None)
        else:
            os.environ["ORDERS_QUEUE_URL"] = saved
