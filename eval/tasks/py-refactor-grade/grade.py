def grade(score):
    if score >= 90:
        if score > 100:
            raise ValueError("score above 100")
        else:
            return "A"
    else:
        if score >= 80:
            return "B"
        else:
            if score >= 70:
                return "C"
            else:
                if score >= 60:
                    return "D"
                else:
                    if score < 0:
                        raise ValueError("score below 0")
                    return "F"
