"""Events in calendars: the iCalendar file of one event and the subscription feed."""


from django.urls import reverse

from qdialog.processes import services


def test_ical_export(client_for, world, event):
    from icalendar import Calendar

    response = client_for("mia").get(reverse("processes:ical", args=[event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    item = next(iter(calendar.walk("VEVENT")))
    assert str(item["SUMMARY"]) == "1. QE-Werkstatt" and str(item["LOCATION"]) == "Kreishaus"
    assert item.decoded("DTSTART") == event.starts_at


def test_calendar_feed(client, client_for, world, event):
    from icalendar import Calendar

    page = client_for("carol").get(reverse("processes:list", args=[world.m1.pk]))
    feed_url = page.context["feed_url"]
    assert "/calendar/" in feed_url
    response = client.get(feed_url.split("testserver", 1)[1])  # no session needed
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert [str(c["summary"]) for c in calendar.walk("VEVENT")] == ["1. QE-Werkstatt"]


def test_calendar_feed_refuses_bad_or_stale_tokens(client, world, event):
    token = services.feed_token(world.people["carol"], world.m1)
    assert client.get(reverse("processes:feed", args=[token + "x"])).status_code == 404
    foreign = services.feed_token(world.people["zoe"], world.m1)
    assert client.get(reverse("processes:feed", args=[foreign])).status_code == 404
    world.memberships["carol"].delete()
    assert client.get(reverse("processes:feed", args=[token])).status_code == 404


def test_calendar_address_is_the_same_on_every_page_view(client_for, world, event):
    """A person subscribes once; the address does not change on the next visit, and an address
    handed out before it became stable (timestamped) keeps working."""
    from django.core import signing

    client = client_for("carol")
    first = client.get(reverse("processes:list", args=[world.m1.pk])).context["feed_url"]
    again = client.get(reverse("processes:list", args=[world.m1.pk])).context["feed_url"]
    assert first == again
    old = signing.dumps({"u": world.people["carol"].pk, "m": world.m1.pk},
                        salt=services.FEED_SALT)
    assert client_for("anon").get(reverse("processes:feed", args=[old])).status_code == 200


def test_calendar_uid_has_no_port(settings, world, event):
    from qdialog.processes import calendar

    settings.QDIALOG_BASE_URL = "http://127.0.0.1:8000"
    assert calendar.uid(event) == f"event-{event.pk}@127.0.0.1"
    settings.QDIALOG_BASE_URL = "https://qdialog.kreis-eins.de/"
    assert calendar.uid(event) == f"event-{event.pk}@qdialog.kreis-eins.de"
