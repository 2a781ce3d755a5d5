"""Small access helpers for views: load in scope, check a rule, otherwise 404."""

import rules
from django.http import FileResponse, Http404

#: the status of a page that shows a form again with what to correct
INVALID = 400


def require_rule(name: str, user, obj) -> None:
    """Raise 404 unless the rule allows it: a refused object looks like a missing one."""
    if not rules.test_rule(name, user, obj):
        raise Http404("Not in scope")


def form_changes(form) -> dict:
    """The fields a valid ModelForm changed, with the instance reloaded to its stored state.

    A ModelForm writes its cleaned data onto the instance while validating; services want the
    stored object plus the changes, so that the audit log records old and new values.
    """
    fields = {name: form.cleaned_data[name] for name in form.changed_data
              if name in form.cleaned_data}
    form.instance.refresh_from_db()
    return fields


def attachment(field_file):
    """Hand out a stored upload as a download, once the caller has checked access.

    Uploads are never served from MEDIA_URL; every download goes through a view and this."""
    if not field_file:
        raise Http404
    return FileResponse(field_file.open("rb"), as_attachment=True,
                        filename=field_file.name.rsplit("/", 1)[-1])
