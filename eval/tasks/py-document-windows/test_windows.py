from windows import windows

assert windows([1, 2, 3, 4], 2) == [[1, 2], [2, 3], [3, 4]]
assert windows([1, 2, 3, 4, 5], 2, 2) == [[1, 2], [3, 4]]
assert windows([1], 2) == []
try:
    windows([1], 0)
except ValueError:
    pass
else:
    raise AssertionError("size 0 should raise")
