def is_palindrome(text):
    """True when the text reads the same backwards, ignoring case and anything but letters and digits."""
    return text == text[::-1]
