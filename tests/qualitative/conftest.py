"""Fixtures of the qualitative tests: programme A's category system with three codes, a
programme-wide project coded by alice (institute) and carol (cluster coordinator), and two
documents of M1: a free-text answer and a transcript."""

from types import SimpleNamespace

import pytest

from qdialog.qualitative import services, system


@pytest.fixture
def qd(world):
    alice, carol = world.people["alice"], world.people["carol"]
    category_system = system.system_create(actor=alice, programme=world.a,
                                           name="Kinderschutz im Netzwerk")
    cooperation = system.code_create(actor=alice, system=category_system, name="Kooperation",
                                     definition="Zusammenarbeit zwischen Institutionen",
                                     anchor_example="Wir rufen uns direkt an.",
                                     coding_rule="Nur wenn zwei Institutionen genannt werden.")
    information = system.code_create(actor=alice, system=category_system, name="Information",
                                     parent=cooperation)
    participation = system.code_create(actor=alice, system=category_system,
                                       name="Beteiligung")
    project = services.project_create(actor=alice, programme=world.a, system=category_system,
                                      title="Aus Fehlern lernen – Freitexte",
                                      coders=[alice, carol])
    answer = services.document_add(
        actor=alice, project=project, kind="free_text", title="Was sollte sich ändern? (1)",
        text="Die Rückmeldung vom Jugendamt kommt zu spät. Wir würden gern früher "
             "beteiligt werden.", municipality=world.m1, source="text:abc",
        attributes={"wave": "Baseline", "perspective": "professional"})
    transcript = services.document_add(
        actor=alice, project=project, kind="transcript", title="Gruppendiskussion ASD",
        text="Wir telefonieren oft mit der Schule.\n\nDas Gespräch mit der Familie war "
             "schwierig. Die Kita hat uns nicht informiert.", municipality=world.m1)
    return SimpleNamespace(system=category_system, cooperation=cooperation,
                           information=information, participation=participation,
                           project=project, answer=answer, transcript=transcript,
                           alice=alice, carol=carol)
