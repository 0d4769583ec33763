def even_squares(values):
    return [v * v for v in values if v % 2 == 0]
