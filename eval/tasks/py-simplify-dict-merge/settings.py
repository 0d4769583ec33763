def merged(defaults, overrides):
    result = {}
    for key in defaults.keys():
        result[key] = defaults[key]
    for key in overrides.keys():
        if overrides[key] is not None:
            result[key] = overrides[key]
        else:
            pass
    return result
