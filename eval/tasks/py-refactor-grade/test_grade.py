from grade import grade

assert [grade(s) for s in (100, 90, 89, 80, 79, 70, 69, 60, 59, 0)] == list("AABBCCDDFF")
for bad in (101, -1):
    try:
        grade(bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"grade({bad}) should raise ValueError")
