"""What the incident tests share: a filled-in report, filing one, the public form."""

from django.test import Client
from django.urls import reverse

from qdialog.incidents import services

FIELDS = {"professional_group": "school", "phase": "referral", "child_age_band": "6-9",
          "what_happened": "Die Mitteilung der Schule blieb zwei Wochen im Postfach liegen.",
          "outcome": "Der Hausbesuch fand verspätet statt.",
          "what_helped": "Eine Vertretungsregel für das Funktionspostfach.",
          "harm": "potential", "frequency": "sometimes", "consent_to_publish": True}



def file_report(system, code=None, **overrides):
    code = code or services._new_code()
    report, _ = services.report_submit(system=system, fields={**FIELDS, **overrides}, code=code)
    return report, code


def anon():
    return Client(headers={"Accept-Language": "en"})


def post_form(client, system, **overrides):
    page = client.get(reverse("incidents:report", args=[system.key]))
    code = page.context["form"]["code"].value()
    data = {**FIELDS, "code": code, **overrides}
    data = {k: v for k, v in data.items() if v is not False}
    return client.post(reverse("incidents:report", args=[system.key]), data), code

