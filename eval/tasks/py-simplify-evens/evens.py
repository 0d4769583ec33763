def even_squares(values):
    result = []
    index = 0
    while index < len(values):
        value = values[index]
        if value % 2 == 0:
            square = value * value
            result.append(square)
        index = index + 1
    return result
