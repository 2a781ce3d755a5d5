"""django-axes glue: allauth logs in by e-mail, so tell axes where the address is."""


def login_identifier(request, credentials):
    """The address a log-in attempt was made for, lower-cased, from the form or credentials."""
    credentials = credentials or {}
    value = (credentials.get("email") or credentials.get("username")
             or (request.POST.get("login") if request is not None and request.method == "POST"
                 else None))
    return value.strip().lower() if isinstance(value, str) else value
