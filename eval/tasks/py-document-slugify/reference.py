import re


def slugify(title, max_length=50):
    """Turns a title into a URL slug.

    Lower-cases it, joins runs of anything but letters and digits into single dashes, and cuts it to
    `max_length` characters without a trailing dash.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:max_length].rstrip("-")
