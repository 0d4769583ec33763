BANDS = [(90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F")]


def grade(score):
    if score > 100:
        raise ValueError("score above 100")
    if score < 0:
        raise ValueError("score below 0")
    return next(letter for floor, letter in BANDS if score >= floor)
