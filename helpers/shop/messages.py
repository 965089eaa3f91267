"""The sentences of the shop's order domain (every notebook uses it), by key (merged by :mod:`helpers.core.messages`).

A plain dict and no imports: a translator edits text only.
"""

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "shop.bad_speed": (
            "The speed factor must be a number from 0 to 10 (1 = real-life latencies, 0.2 = five times "
            "faster, 0 = no sleeping); got {value!r}. Fix WORKSHOP_SPEED or call set_speed(0.2)."
        ),
        "shop.invalid.malformed": (
            "Order rejected: the payload is not valid JSON ({detail}). Send a JSON object such as "
            '{{"customer_id": "cust-aiko", "items": [{{"product_id": "matcha-100g", "quantity": 1}}]}}.'
        ),
        "shop.invalid.not_object": (
            "Order rejected: the payload is a {kind}, not a JSON object. Send an object with "
            "customer_id and items."
        ),
        "shop.invalid.no_customer": (
            "Order rejected: customer_id is missing or empty. Say who is ordering, e.g. "
            '"customer_id": "cust-aiko".'
        ),
        "shop.invalid.email": "Order rejected: {email!r} is not an e-mail address; use one like aiko@example.com.",
        "shop.invalid.order_id": (
            "Order rejected: order_id {order_id!r} must be 1–64 letters, digits, '-' or '_' "
            "(or leave it out and the shop makes one)."
        ),
        # single braces: this key has no placeholders, so say() returns it as written
        "shop.invalid.no_items": (
            "Order rejected: an order needs at least one item, e.g. "
            '"items": [{"product_id": "matcha-100g", "quantity": 1}].'
        ),
        "shop.invalid.item_shape": (
            "Order rejected: item {pos} ({item!r}) must be an object with product_id and quantity."
        ),
        "shop.invalid.unknown_product": (
            "Order rejected: there is no product {product!r} in the catalog; use a product_id from "
            "data/catalog.json, e.g. {examples}."
        ),
        "shop.invalid.quantity": (
            "Order rejected: the quantity of {product!r} must be a whole number from 1 to {max}; got {quantity!r}."
        ),
        "shop.invalid.message": (
            "This message body is not an order the shop wrote ({detail}); it cannot be processed — "
            "send bodies made by Order.to_json()."
        ),
        "shop.failure": "{service} failed (a simulated error at step '{step}'): the call returned an error.",
        "shop.unavailable": "{service} is unavailable ({reason}) at step '{step}': nobody answered the call.",
        "shop.out_of_stock": "inventory has too few units of {product!r} left to reserve at step '{step}'.",
        "shop.bad_latency": (
            "The latency of {step} must be a number of milliseconds ≥ 0; got {value!r}."
        ),
        "shop.bad_p95": (
            "The p95 latency of {step} must be a number ≥ its median ({median:.0f} ms); got {value!r}."
        ),
        "shop.bad_failure_rate": (
            "The failure rate of {step} must be a share from 0 to 1 (0.05 = 5 %); got {value!r}."
        ),
        "shop.bad_deploy_mode": (
            "A deploy mode must be 'fail' (calls fail while restarting) or 'wait' (calls wait until "
            "it is back); got {mode!r}."
        ),
        "shop.no_order": (
            "The order handler returned without accepting an order: its first step must be "
            "order, _ = shop.accept_order(payload)."
        ),
        "shop.unknown_step": "There is no step {step!r}; the steps are: {valid}.",
        "shop.unknown_kind": "There are no {kind!r} records; effect records are: {valid}.",
        "shop.bad_clients": "clients must be a whole number ≥ 1 (threads placing orders at once); got {clients!r}.",
        "shop.bad_interval": "interval_ms must be a positive number of milliseconds between orders; got {interval_ms!r}.",
        "shop.result_ok": "✅ {order_id} COMPLETED in {ms:.0f} ms ({steps} steps, one after another).",
        "shop.result_failed": "❌ {status} at step '{step}' after {ms:.0f} ms: {error}",
        # the headings of Shop.describe() (a text table: keep each within its column's width)
        "shop.describe.step": "step",
        "shop.describe.service": "service",
        "shop.describe.median": "median",
        "shop.describe.p95": "p95",
        "shop.describe.fails": "fails",
        "shop.describe.sleeps": "sleeps (real)",
        "shop.describe.sum": "sum",
        "shop.describe.speed": "(speed ×{speed:g})",
    },
}
