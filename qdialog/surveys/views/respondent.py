"""The respondent's pages: no login, no JavaScript needed, one code per person (or a group code).

The code appears in one address only, the first one (`/s/<code>/`, from the e-mail, the QR code
or the paper slip) – or not at all when it is typed in at `/s/`. From then on it travels in a
signed cookie that lives until the browser closes, and every further page is `/s/answer/` and
`/s/done/`: no log line of any later request carries it. A code that was used and a code that
never existed are answered alike, so holding someone's code does not tell whether they
answered.

GET shows the questionnaire (from memory when nothing is filled in yet); POST moves between
sections, saves a draft under a personal code, or submits. The answer set is stored by
services.response_submit() exactly once.
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qdialog.core import ratelimit
from qdialog.core.scoping import fence_extend

from .. import render as rendering
from .. import schema, selectors, services
from ..models import AccessCode, CodeKind, SubmissionToken

LANGUAGES = ("de", "en", "plain")
TOKEN_RE = services.TOKEN_RE
ACTIONS = ("next", "back", "save", "submit")
#: the languages a respondent can choose, each named in itself
RESPONDENT_LANGUAGES = [("de", "Deutsch"), ("en", "English"), ("plain", "Leichte Sprache")]


def _language(request) -> str:
    lang = request.POST.get("lang") or request.GET.get("lang") or ""
    if lang in LANGUAGES:
        return lang
    return "en" if (request.LANGUAGE_CODE or "de").startswith("en") else "de"


COOKIE = "qdialog_code"
COOKIE_SALT = "qdialog.surveys.respondent"


def _in_language(view):
    """Run a respondent view in the respondent's language from its first line: every message
    it builds – the refusals, "thank you", "already received" – comes in that language."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override(rendering.ui_language(_language(request))):
            return view(request, *args, **kwargs)
    return wrapper


def _page(request, template, context, status=200, language="de"):
    with translation.override(rendering.ui_language(language)):
        response = render(request, template, {**context, "lang": language}, status=status)
    return _private(response)


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    # the next request (a stylesheet, the next page) must not carry this page's address, which
    # may hold the code, as its Referer: only the origin (no-referrer would make browsers send
    # "Origin: null" with the form, which the CSRF check rightly refuses)
    response["Referrer-Policy"] = "strict-origin"
    return response


def _remember(response, code: str):
    """Carry the code in a signed cookie for the respondent's further pages (until the
    browser closes), never in an address."""
    response.set_signed_cookie(COOKIE, code, salt=COOKIE_SALT, path="/s/", httponly=True,
                               samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


def _forget(response):
    response.delete_cookie(COOKIE, path="/s/", samesite="Lax")
    return response


def _cookie_code(request) -> str:
    return request.get_signed_cookie(COOKIE, default="", salt=COOKIE_SALT) or ""


@require_http_methods(["GET", "POST"])
@_in_language
def entry(request):
    """Type in the code from a paper sheet."""
    language = _language(request)
    raw = (request.POST.get("code") or "").strip().upper()  # never from the address
    raw = raw.replace(" ", "").replace("-", "")
    if raw:
        blocked = _guessing(request, language)
        if blocked is not None:
            return blocked
        access = _load(raw)
        refusal = _refusal(request, access, language, typed=raw[:16])
        if refusal is not None:
            return refusal
        return _remember(HttpResponseRedirect(reverse("surveys:answer") + f"?lang={language}",
                                              status=303), access.code)
    return _page(request, "surveys/respond_entry.html", {"languages": RESPONDENT_LANGUAGES},
                 language=language)


def _load(code: str):
    if not re.fullmatch(r"[A-Za-z0-9]{6,16}", code or ""):
        return None
    access = selectors.respondent_access(code.upper())
    if access is None:
        return None
    fence_extend([access.wave.programme_id])  # the rest of the request reads that programme
    return access


def _refusal(request, access, language, typed=""):
    """A page explaining why this code cannot answer now, or None if it can.

    An unknown code and a used one get the same page, status and wording (and both count as a
    failed try against guessing): whoever holds someone's code cannot learn from it whether
    that person has answered."""
    if access is None or (access.kind != CodeKind.GROUP and access.used):
        _unknown_code(request)
        return _forget(_page(request, "surveys/respond_entry.html", {
            "error": _("This code cannot be used (any more)."),
            "error_detail": _("Please check it and try again. A code can be used once: if you "
                              "have already sent your answers with it, they are stored – thank "
                              "you."),
            "code": typed}, status=404, language=language))
    if not services.wave_accepts_answers(access.wave):
        return _page(request, "surveys/respond_message.html", {
            "title": _("This survey is not open"),
            "message": _("This survey is not taking answers at the moment. It runs from "
                         "%(start)s to %(end)s.") % {
                "start": access.wave.opens_on.strftime("%d.%m.%Y"),
                "end": access.wave.closes_on.strftime("%d.%m.%Y")},
            "tone": "warning"}, status=410, language=language)
    return None


def _pages(instrument, answers):
    """The sections shown, in pages: one section per page, or all on one page."""
    sections = [s for s in instrument.sections
                if schema.condition_possible(s.condition, answers)]
    return [[s] for s in sections] if instrument.paged else [sections]


#: questionnaire pages with nothing filled in, per instrument version, language, page and kind
#: of code, with placeholders for the two per-request tokens: every respondent of a wave gets the
#: same markup, so the template runs once per process instead of once per respondent
_BLANK_FORMS: dict[tuple, str] = {}
_BLANK_FORMS_MAX = 512
CSRF_PLACEHOLDER = "qdialogcsrfplaceholder"
TOKEN_PLACEHOLDER = "qdialogtokenplaceholder"


def _blank_form_key(access, instrument, language, answers, page, problems, status):
    if answers or problems or status != 200 or not instrument.frozen:
        return None
    return (instrument.id, instrument.version, language, page, access.kind == CodeKind.GROUP,
            settings.QDIALOG_SITE_NAME)


def _filled(request, html: str, token: str | None):
    """A blank questionnaire page from memory with this request's CSRF and submission token."""
    html = html.replace(CSRF_PLACEHOLDER, get_token(request), 1)
    html = html.replace(TOKEN_PLACEHOLDER, token or services.new_submission_token(), 1)
    return _private(HttpResponse(html))


def _render_form(request, access, instrument, language, answers, page, problems=None,
                 status=200, token=None, foreign=None):
    """The questionnaire; it always posts to the code-free address `/s/answer/`."""
    key = _blank_form_key(access, instrument, language, answers, page, problems, status)
    if key is not None and key in _BLANK_FORMS:
        return _filled(request, _BLANK_FORMS[key], token)
    pages = _pages(instrument, answers)
    page = max(0, min(page, len(pages) - 1))
    sections = pages[page]
    problems = problems or {}
    html = "".join(rendering.section_html(instrument, s, language, answers, problems)
                   for s in sections)
    error_list = []
    for section in sections:
        for item in section.items:
            if item.field in problems:
                error_list.append((f"f-{item.code}", item.text(language), problems[item.field]))
    done, total = schema.answered_share(instrument, answers)
    context = {
        "access": access, "instrument": instrument, "wave": access.wave,
        "title": instrument.title(language), "intro": instrument.intro(language),
        "sections_html": html, "hidden": rendering.hidden_fields(instrument, answers, sections),
        "page": page, "pages": len(pages), "first": page == 0, "last": page == len(pages) - 1,
        "can_save": access.kind != CodeKind.GROUP, "errors": error_list,
        "token": token or services.new_submission_token(),
        "answered": done, "total": total, "percent": int(100 * page / max(1, len(pages))),
        "languages": RESPONDENT_LANGUAGES,
        "action_url": reverse("surveys:answer"),
    }
    if key is None:
        return _page(request, "surveys/respond_form.html", context, status=status,
                     language=language)
    context.update(token=TOKEN_PLACEHOLDER, csrf_token=CSRF_PLACEHOLDER)
    html = _page(request, "surveys/respond_form.html", context,
                 language=language).content.decode()
    if len(_BLANK_FORMS) >= _BLANK_FORMS_MAX:
        _BLANK_FORMS.clear()
    _BLANK_FORMS[key] = html
    return _filled(request, html, token)


def _rate_limited(request, access) -> bool:
    """Group codes: at most QDIALOG_GROUP_CODE_RATE submissions per address in
    QDIALOG_GROUP_CODE_WINDOW seconds (a minute)."""
    if access.kind != CodeKind.GROUP:
        return False
    return ratelimit.hit(f"group:{access.pk}", request, settings.QDIALOG_GROUP_CODE_RATE,
                         settings.QDIALOG_GROUP_CODE_WINDOW)


GUESS_WINDOW = 600  # seconds


def _guessing(request, language):
    """Too many unknown codes from one address in ten minutes: refuse every code lookup until
    the window is over, so that codes cannot be found by trying."""
    if ratelimit.count("code-guess", request) < settings.QDIALOG_CODE_FAILURES:
        return None
    return _page(request, "surveys/respond_message.html", {
        "title": _("Too many unknown codes"),
        "message": _("Too many codes that we do not know were entered from this connection. "
                     "Please wait ten minutes, then enter your code again. If several people "
                     "share this connection, the wait applies to all of them."),
        "tone": "warning"}, status=429, language=language)


def _unknown_code(request):
    ratelimit.record("code-guess", request, GUESS_WINDOW)


@require_http_methods(["GET"])
@_in_language
def respond(request, code):
    """The address from the e-mail, QR code or slip: the only one that carries the code."""
    language = _language(request)
    blocked = _guessing(request, language)
    if blocked is not None:
        return blocked
    access = _load(code)
    refusal = _refusal(request, access, language)
    if refusal is not None:
        return refusal
    return _remember(_questionnaire(request, access, language), access.code)


def _questionnaire(request, access, language):
    instrument = schema.compiled(access.wave.instrument)
    draft = access.draft or {}
    if draft.get("language") in LANGUAGES and "lang" not in request.GET:
        language = draft["language"]
    return _render_form(request, access, instrument, language, draft.get("answers", {}),
                        int(draft.get("page", 0)))


@require_http_methods(["GET", "POST"])
@_in_language
def answer(request):
    """Every page after the first, with the code from the cookie.

    No check against guessing here: the code comes from a cookie signed by qdialog, which it
    gives out only after the code was accepted, so nothing can be tried through this page."""
    language = _language(request)
    code = _cookie_code(request)
    if not code:
        return HttpResponseRedirect(reverse("surveys:entry") + f"?lang={language}")
    access = _load(code)
    if (request.method == "POST" and access is not None and access.used
            and _already_stored(request, access)):
        return _received(request, language)
    refusal = _refusal(request, access, language)
    if refusal is not None:
        return refusal
    if request.method == "GET":
        return _questionnaire(request, access, language)
    instrument = schema.compiled(access.wave.instrument)
    action = request.POST.get("action", "")
    token = request.POST.get("token", "")
    if action not in ACTIONS or not TOKEN_RE.match(token):
        return _page(request, "surveys/respond_message.html", {
            "title": _("The form could not be read"),
            "message": _("Something was missing from the form. Please open the survey link "
                         "again; answers you saved are kept."), "tone": "danger"},
            status=400, language=language)
    try:
        page = int(request.POST.get("page", "0"))
    except ValueError:
        page = 0
    with translation.override(rendering.ui_language(language)):
        answers, problems = schema.parse(instrument, request.POST, require=True)
    if problems.foreign:
        return _page(request, "surveys/respond_message.html", {
            "title": _("The form could not be read"),
            "message": _("The form contained answers to questions that are not part of this "
                         "questionnaire. Nothing was stored. Please open the survey link "
                         "again."), "tone": "danger"}, status=400, language=language)
    pages = _pages(instrument, answers)
    page = max(0, min(page, len(pages) - 1))
    here = {item.field for s in pages[page] for item in s.items}
    page_problems = {k: v for k, v in problems.items() if k in here}
    # invalid values (not merely missing ones) are never kept, whatever the action
    invalid = {k: v for k, v in page_problems.items() if k not in problems.missing}

    if action == "save" or action == "back":
        if invalid:
            return _render_form(request, access, instrument, language, answers, page,
                                invalid, status=400, token=token)
        target = page - 1 if action == "back" else page
        if access.kind != CodeKind.GROUP:
            services.draft_save(code=access, answers=answers, page=max(0, target),
                                language=language)
        if action == "save":
            return _page(request, "surveys/respond_message.html", {
                "title": _("Your answers are saved"),
                "message": _("You can continue later with the same link or code: %(code)s. "
                             "Until you send them, your answers so far are kept with this "
                             "code; when you send them, they are stored without it.")
                % {"code": access.code}, "tone": "success",
                "continue_url": reverse("surveys:answer") + f"?lang={language}"},
                language=language)
        return _render_form(request, access, instrument, language, answers, target,
                            token=token)

    if page_problems:
        return _render_form(request, access, instrument, language, answers, page,
                            page_problems, status=400, token=token)
    if action == "next" and page < len(pages) - 1:
        if access.kind != CodeKind.GROUP:
            services.draft_save(code=access, answers=answers, page=page + 1, language=language)
        return _render_form(request, access, instrument, language, answers, page + 1,
                            token=token)
    # submit (or "next" on the last page): everything shown must be valid
    if problems:
        first = next(i for i, p in enumerate(pages)
                     if any(item.field in problems for s in p for item in s.items))
        return _render_form(request, access, instrument, language, answers, first, problems,
                            status=400, token=token)
    if _rate_limited(request, access):
        return _page(request, "surveys/respond_message.html", {
            "title": _("Too many answers from this connection"),
            "message": _("Please wait a minute and send the form again."),
            "tone": "warning"}, status=429, language=language)
    try:
        outcome = services.response_submit(wave=access.wave, answers=answers,
                                           language=language, token=token, code=access)
    except services.AlreadyUsed:
        return _refusal(request, AccessCode.objects.get(pk=access.pk), language)
    except services.NotOpen:
        access.wave.refresh_from_db()
        return _refusal(request, access, language)
    if outcome == "duplicate":
        return _received(request, language)
    return _forget(HttpResponseRedirect(reverse("surveys:done") + f"?lang={language}",
                                        status=303))


def _already_stored(request, access) -> bool:
    """This very form was stored before (a double click, a retry after a lost connection):
    only whoever has the form's random token can ask."""
    token = request.POST.get("token", "")
    return bool(TOKEN_RE.match(token)) and SubmissionToken.objects.filter(
        wave_id=access.wave_id, token=token).exists()


def _received(request, language):
    return _forget(_page(request, "surveys/respond_message.html", {
        "title": _("Answers already received"),
        "message": _("Your answers have already arrived and are stored once – thank you. "
                     "You can close this page."),
        "tone": "info"}, status=409, language=language))


_DONE_PAGES: dict[tuple, bytes] = {}


@_in_language
def done(request):
    """"Thank you": the same page for everybody, so drawn once per language and process."""
    language = _language(request)
    key = (language, settings.QDIALOG_SITE_NAME)
    if key not in _DONE_PAGES:
        _DONE_PAGES[key] = _page(request, "surveys/respond_message.html", {
            "title": _("Thank you!"),
            "message": _("Your answers have been stored anonymously. You can close this page."),
            "tone": "success"}, language=language).content
    return _private(HttpResponse(_DONE_PAGES[key]))
