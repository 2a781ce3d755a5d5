from functools import partial

from .selectors import unread_count


def notices(request):
    """The number of unread notices for the header, counted only when a page shows it."""
    user = getattr(request, "user", None)
    return {"unread_notices": partial(unread_count, user)}
