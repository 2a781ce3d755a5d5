"""(being written)"""
from django.http import Http404


def agreement(request, **kw):
    raise Http404

def coding_add(request, **kw):
    raise Http404

def coding_edit(request, **kw):
    raise Http404

def consensus(request, **kw):
    raise Http404

def document(request, **kw):
    raise Http404

def document_settings(request, **kw):
    raise Http404

def findings(request, **kw):
    raise Http404

def finish(request, **kw):
    raise Http404
