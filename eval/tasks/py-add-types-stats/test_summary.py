from summary import summarize, scale

assert summarize([]) is None
assert summarize([1, 2, 3]) == {"min": 1, "max": 3, "mean": 2}
assert scale([1, 2], 2.5) == [2.5, 5.0]
assert scale([3]) == [3.0]
