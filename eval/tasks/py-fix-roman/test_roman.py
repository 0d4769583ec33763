from roman import from_roman

assert from_roman("III") == 3
assert from_roman("IV") == 4
assert from_roman("MCMXCIV") == 1994
assert from_roman("LVIII") == 58
