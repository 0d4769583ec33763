def add_item(item, items=[]):
    """Returns a list holding `items` (a new empty list when not given) with `item` appended."""
    items.append(item)
    return items
