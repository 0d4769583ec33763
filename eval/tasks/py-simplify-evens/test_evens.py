from evens import even_squares

assert even_squares([1, 2, 3, 4]) == [4, 16]
assert even_squares([]) == []
assert even_squares([-2, 0]) == [4, 0]
