from settings import merged

d = {"a": 1, "b": 2}
assert merged(d, {"b": 3, "c": None, "e": 0}) == {"a": 1, "b": 3, "e": 0}
assert d == {"a": 1, "b": 2}
assert merged({}, {}) == {}
