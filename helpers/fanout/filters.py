"""SNS filter policies evaluated locally (checked against the backend by the tests)."""

from __future__ import annotations

import json
from typing import Any

from ..core.messages import WorkshopError
from .events import _attr_value

_OPS = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def event_facts(message: str, attributes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(attributes as name → value, body as a dict)`` of a published event: what a filter policy sees."""
    attrs = {n: _attr_value(a.get("DataType", "String"), a.get("StringValue")) for n, a in attributes.items()}
    return attrs, json.loads(message)


def policy_matches(policy: dict[str, Any], attributes: dict[str, Any] | None = None,
                   body: dict[str, Any] | None = None, *, scope: str = "MessageAttributes") -> bool:
    """Would SNS deliver an event with these ``attributes`` / ``body`` to a subscription with ``policy``?

    A local model of SNS filter policies for the notebook's predictions and checkers (the tests
    compare it with the backend): every key must match (AND); within a key's list, any condition
    (OR). Conditions: exact strings and numbers, ``{"numeric": [op, n, …]}``, ``{"prefix": …}``,
    ``{"suffix": …}``, ``{"anything-but": …}``, ``{"exists": bool}`` and
    ``{"equals-ignore-case": …}`` (correct here; moto 5.2.5 gets it wrong). With
    ``scope="MessageBody"`` keys may nest, as in the JSON payload. A quoted string never matches a
    number here (moto compares them as text; the exercises steer clear of that corner).
    """
    if not isinstance(policy, dict):
        raise WorkshopError("fanout.bad_policy", kind=type(policy).__name__)
    if scope == "MessageAttributes":
        return _match_level(policy, attributes or {}, nested=False)
    if scope == "MessageBody":
        return _match_level(policy, body or {}, nested=True)
    raise WorkshopError("fanout.bad_scope", scope=scope)


def _match_level(policy: dict[str, Any], data: dict[str, Any], *, nested: bool) -> bool:
    for key, rule in policy.items():
        if key.startswith("$"):
            raise WorkshopError("fanout.unsupported_rule", rule=key)
        present = isinstance(data, dict) and key in data
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(rule, dict):
            if not nested:
                raise WorkshopError("fanout.nested_attribute_policy", attr=key)
            if not (present and isinstance(value, dict) and _match_level(rule, value, nested=True)):
                return False
            continue
        if not isinstance(rule, list):
            raise WorkshopError("fanout.rule_not_list", attr=key, rule=rule)
        values = value if isinstance(value, list) else [value]
        if not any(_condition(cond, present, v) for cond in rule for v in values):
            return False
    return True


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _condition(cond: Any, present: bool, value: Any) -> bool:
    if isinstance(cond, dict):
        if len(cond) != 1:
            raise WorkshopError("fanout.unsupported_rule", rule=json.dumps(cond))
        (op, arg), = cond.items()
        if op == "exists":
            return present == bool(arg)
        if not present:
            return False
        if op == "numeric":
            if not _is_number(value) or not isinstance(arg, list) or len(arg) not in (2, 4):
                if not isinstance(arg, list) or len(arg) not in (2, 4):
                    raise WorkshopError("fanout.unsupported_rule", rule=json.dumps(cond))
                return False
            pairs = list(zip(arg[::2], arg[1::2], strict=True))
            for o, n in pairs:
                if o not in _OPS or not _is_number(n):
                    raise WorkshopError("fanout.unsupported_rule", rule=json.dumps(cond))
            return all(_OPS[o](value, n) for o, n in pairs)
        if op == "prefix":
            return isinstance(value, str) and value.startswith(str(arg))
        if op == "suffix":
            return isinstance(value, str) and value.endswith(str(arg))
        if op == "equals-ignore-case":
            return isinstance(value, str) and value.lower() == str(arg).lower()
        if op == "anything-but":
            if isinstance(arg, dict):
                return not _condition(arg, present, value)
            banned = arg if isinstance(arg, list) else [arg]
            return not any(_condition(b, present, value) for b in banned)
        raise WorkshopError("fanout.unsupported_rule", rule=op)
    if not present or value is None:
        return cond is None and present
    if _is_number(cond):
        return _is_number(value) and float(value) == float(cond)
    return isinstance(value, str) and value == cond
