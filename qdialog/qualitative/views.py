"""(being written)"""
from django.http import Http404


def code_create(request, **kw):
    raise Http404

def code_edit(request, **kw):
    raise Http404

def code_merge(request, **kw):
    raise Http404

def code_split(request, **kw):
    raise Http404

def memo_add(request, **kw):
    raise Http404

def memo_delete(request, **kw):
    raise Http404

def memo_edit(request, **kw):
    raise Http404

def municipality_index(request, **kw):
    raise Http404

def programme_index(request, **kw):
    raise Http404

def project_create(request, **kw):
    raise Http404

def project_detail(request, **kw):
    raise Http404

def project_settings(request, **kw):
    raise Http404

def system_create(request, **kw):
    raise Http404

def system_detail(request, **kw):
    raise Http404
