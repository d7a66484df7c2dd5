"""Latency summaries shared by the benchmarks."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1) of latencies; 0.0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary_ms(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean in milliseconds from latencies in seconds."""
    return {
        "p50_ms": round(percentile(samples, 0.50) * 1000, 2),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(samples) * 1000, 2) if samples else 0.0,
    }
