def count_vowels(text):
    count = 0
    for ch in text:
        if ch == "a" or ch == "e" or ch == "i" or ch == "o" or ch == "u":
            count = count + 1
        elif ch == "A" or ch == "E" or ch == "I" or ch == "O" or ch == "U":
            count = count + 1
        else:
            count = count + 0
    return count
