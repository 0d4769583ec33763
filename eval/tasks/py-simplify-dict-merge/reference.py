def merged(defaults, overrides):
    return {**defaults, **{k: v for k, v in overrides.items() if v is not None}}
