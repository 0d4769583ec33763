def add_item(item, items=None):
    """Returns a list holding `items` (a new empty list when not given) with `item` appended."""
    if items is None:
        items = []
    items.append(item)
    return items
