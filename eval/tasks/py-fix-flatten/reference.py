def flatten(items):
    """All the non-list values of an arbitrarily nested list, in order."""
    out = []
    for item in items:
        if isinstance(item, list):
            out.extend(flatten(item))
        else:
            out.append(item)
    return out
