def top_words(text, n):
    """The n most frequent words (lower-cased), most frequent first; ties in alphabetical order."""
    counts = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))[:n]
