from django.conf import settings


def qdialog(request):
    return {
        "site_name": settings.QDIALOG_SITE_NAME,
        "scope": getattr(request, "scope", None),
        "require_mfa": settings.QDIALOG_REQUIRE_MFA,
    }
