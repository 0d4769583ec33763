from cart import add_item

assert add_item(1) == [1]
assert add_item(2) == [2]
assert add_item(3, [0]) == [0, 3]
