from palindrome import is_palindrome

assert is_palindrome("A man, a plan, a canal: Panama")
assert is_palindrome("")
assert not is_palindrome("hello")
assert is_palindrome("No 'x' in Nixon")
