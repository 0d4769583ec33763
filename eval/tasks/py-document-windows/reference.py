def windows(items, size, step=1):
    """The consecutive slices of `size` items, starting every `step` items.

    Raises ValueError when size or step is not positive; a list shorter than `size` has no window.
    """
    if size <= 0 or step <= 0:
        raise ValueError("size and step must be positive")
    return [items[i:i + size] for i in range(0, len(items) - size + 1, step)]
