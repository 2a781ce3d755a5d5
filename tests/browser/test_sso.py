"""Single sign-on in the browser, end to end: qdialog's log-in page → the identity provider's log-in
page (a real OpenID Connect provider, tests/oidc_provider, in its own process) → back in qdialog
as that person; and an address whose connection switched local passwords off is refused the
password. Every qdialog page on the way passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from qdialog.tenancy.models import Membership, Role
from tests.conftest import PASSWORD, build_world, make_user
from tests.oidc_provider.flows import DOMAIN, NAME, PEOPLE, callback_uri, make_connection
from tests.oidc_provider.harness import PASSWORD as PROVIDER_PASSWORD
from tests.oidc_provider.harness import running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# the texts are English msgids until the German translation is added; both are accepted
SIGN_ON_BUTTON = re.compile(r"^(Continue with single sign-on|Weiter mit Single Sign-on)$")
LOG_IN_WITH = re.compile(rf"^(Log in with|Mit) {re.escape(NAME)}( anmelden)?$")


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    with running_provider(tmp_path_factory.mktemp("idp"), people=PEOPLE,
                          redirect_uris=[callback_uri(live_server.url)]) as running:
        yield running


def _arrange(provider, *, local_passwords_off=False):
    world = build_world()
    operator = make_user("betrieb@qdialog.example", "Olga Betrieb")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    mia = make_user(f"mia@{DOMAIN}", "Mia Musterfrau")
    Membership.objects.create(user=mia, role=Role.MUNICIPAL_COORDINATOR, programme=world.a,
                              municipality=world.m1)
    make_connection(actor=operator, programme=world.a, municipality=world.m1, provider=provider,
                    local_passwords_off=local_passwords_off)
    return world, mia


def test_a_coordinator_signs_on_through_the_identity_provider(page, live_server, provider,
                                                              axe_check, shot):
    _arrange(provider)
    base = live_server.url
    page.goto(base + "/accounts/login/")
    axe_check(page, "login with single sign-on")
    page.get_by_label("E-Mail").fill(f"mia@{DOMAIN}")
    page.get_by_role("button", name=SIGN_ON_BUTTON).click()

    expect(page.get_by_role("button", name=LOG_IN_WITH)).to_be_visible()
    axe_check(page, "sign-on offer")
    shot(page, "sso-01-offer")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    axe_check(page, "sign-on offer on a phone")
    shot(page, "sso-01-offer-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name=LOG_IN_WITH).click()

    # the identity provider's own log-in page, on its own port
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    assert page.url.startswith(provider.url + "/accounts/login/")
    page.get_by_label("User name").fill("mia")
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()

    # back in qdialog, logged in as Mia, on her home page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Willkommen")
    assert page.url.startswith(base)
    expect(page.get_by_role("link", name="Landkreis Eins")).to_be_visible()
    expect(page.get_by_text("Mia Musterfrau").first).to_be_visible()
    axe_check(page, "home after sign-on")
    shot(page, "sso-02-home")


def test_an_unverified_address_comes_back_refused(page, live_server, provider, axe_check):
    _arrange(provider)
    make_user(PEOPLE["unverified"]["email"])
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-Mail").fill(PEOPLE["unverified"]["email"])
    page.get_by_role("button", name=SIGN_ON_BUTTON).click()
    page.get_by_role("button", name=LOG_IN_WITH).click()
    page.get_by_label("User name").fill("unverified")
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.url.startswith(live_server.url)
    expect(page.get_by_role("link", name="Anmelden").first).to_be_visible()  # still logged out
    axe_check(page, "sign-on refused")


def test_local_passwords_off_refuses_the_password_form(page, live_server, provider, axe_check,
                                                       shot):
    _arrange(provider, local_passwords_off=True)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("E-Mail").fill(f"mia@{DOMAIN}")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()

    expect(page.get_by_role("alert").first).to_contain_text(NAME)
    offer = page.get_by_role("link", name=LOG_IN_WITH)
    expect(offer).to_be_visible()
    axe_check(page, "password refused")
    shot(page, "sso-03-password-refused")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    expect(offer).to_be_visible()
    expect(page.get_by_label("E-Mail")).to_have_value(f"mia@{DOMAIN}")  # what was typed stays
    axe_check(page, "password refused on a phone")
    shot(page, "sso-03-password-refused-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    offer.click()
    expect(page.get_by_role("button", name=LOG_IN_WITH)).to_be_visible()
