from typing import Optional


def summarize(values: list[float]) -> Optional[dict[str, float]]:
    if not values:
        return None
    return {"min": min(values), "max": max(values), "mean": sum(values) / len(values)}


def scale(values: list[float], factor: float = 1.0) -> list[float]:
    return [v * factor for v in values]
