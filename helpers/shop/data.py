"""The shop's data files: the catalog, the service latency/failure profile, sample and invalid orders."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import STEPS, Product

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


_Z95 = 1.6448536269514722  # standard normal 95th percentile


@dataclass(frozen=True)
class StepProfile:
    """One step's numbers from ``data/service_profile.json`` (see its ``_doc`` for meanings)."""

    step: str
    service: str
    median_ms: float
    p95_ms: float
    failure_rate: float
    why: str = ""

    @property
    def availability(self) -> float:
        """Share of calls that succeed: ``1 - failure_rate``."""
        return 1.0 - self.failure_rate

    @property
    def mean_ms(self) -> float:
        """Mean of the log-normal latency (above the median: the slow tail pulls it up)."""
        return lognormal_mean(self.median_ms, self.p95_ms)


def lognormal_sigma(median_ms: float, p95_ms: float) -> float:
    """σ of the log-normal with this median and 95th percentile (0 when p95 ≤ median)."""
    if median_ms <= 0 or p95_ms <= median_ms:
        return 0.0
    return math.log(p95_ms / median_ms) / _Z95


def lognormal_mean(median_ms: float, p95_ms: float) -> float:
    """Mean latency of the log-normal with this median and p95: ``median × exp(σ²/2)``."""
    sigma = lognormal_sigma(median_ms, p95_ms)
    return median_ms * math.exp(sigma * sigma / 2)


def _read_json(name: str, path: str | Path | None) -> Any:
    with open(path or DATA_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


def load_catalog(path: str | Path | None = None) -> dict[str, Product]:
    """The product catalog, by product id."""
    raw = _read_json("catalog.json", path)
    return {p["product_id"]: Product(**p) for p in raw["products"]}


def load_profile(path: str | Path | None = None) -> dict[str, StepProfile]:
    """The latency / failure profile of every step, in :data:`STEPS` order."""
    raw = _read_json("service_profile.json", path)["steps"]
    return {step: StepProfile(step=step, **raw[step]) for step in STEPS}


def load_sample_orders(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The seeded sample order payloads (valid ones)."""
    return _read_json("sample_orders.json", path)["orders"]


def load_invalid_examples(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Payloads validation must reject, each ``{"why": …, "payload": …}``."""
    return _read_json("sample_orders.json", path)["invalid_examples"]
