def is_palindrome(text):
    """True when the text reads the same backwards, ignoring case and anything but letters and digits."""
    cleaned = [c.lower() for c in text if c.isalnum()]
    return cleaned == cleaned[::-1]
