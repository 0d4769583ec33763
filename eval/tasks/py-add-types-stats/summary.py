def summarize(values):
    if not values:
        return None
    return {"min": min(values), "max": max(values), "mean": sum(values) / len(values)}


def scale(values, factor=1.0):
    return [v * factor for v in values]
