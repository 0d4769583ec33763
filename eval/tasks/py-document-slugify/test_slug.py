from slug import slugify

assert slugify("Hello, World!") == "hello-world"
assert slugify("  A -- B  ") == "a-b"
assert slugify("abc def", 4) == "abc"
