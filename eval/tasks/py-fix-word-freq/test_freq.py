from freq import top_words

assert top_words("b a b c a b", 2) == ["b", "a"]
assert top_words("x y z", 2) == ["x", "y"]
assert top_words("The the THE cat", 1) == ["the"]
