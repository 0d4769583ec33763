VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def from_roman(numeral):
    """The value of a Roman numeral, subtractive forms (IV, XC, CM…) included."""
    total = 0
    for i, c in enumerate(numeral):
        value = VALUES[c]
        if i + 1 < len(numeral) and VALUES[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    return total
