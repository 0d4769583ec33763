def windows(items, size, step=1):
    if size <= 0 or step <= 0:
        raise ValueError("size and step must be positive")
    return [items[i:i + size] for i in range(0, len(items) - size + 1, step)]
