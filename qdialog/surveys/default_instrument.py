"""The default instrument "Kinderschutz-Bestandsaufnahme".

Built from the documented dimensions (shared research, section b): the four error levels
(Fachkraft, Team, Organisation, Hilfesystem) × standards present / known / applied / reviewed; the
areas of § 79a SGB VIII; error culture (the four Bremen questions and the typical error causes);
cooperation with each partner system; resources and working conditions; participation of children
and parents; open questions on quality development interests.

Respondents state their perspective and professional system as answers, never through identity.
Clients (perspective 3) see only the sections written for them, in plain language too.
"""

FAMILY = "kinderschutz-bestandsaufnahme"
PROFESSIONALS = {"item": "perspective", "in": [1, 2, 4]}


def likert(code, de, en, plain="", *, dimension, reverse=False, points=5, dont_know=True):
    return {"code": code, "kind": "likert", "text_de": de, "text_en": en, "text_plain": plain,
            "scale_points": points, "dont_know": dont_know, "reverse_coded": reverse,
            "dimension": dimension}


def level_matrix(code, de, en):
    return {"code": code, "kind": "matrix", "text_de": de, "text_en": en, "scale_points": 5,
            "dont_know": True, "dimension": "standards_" + code.split("_")[1],
            "rows": [
                {"code": "vorhanden", "de": "gibt es schriftliche Standards.",
                 "en": "there are written standards."},
                {"code": "bekannt", "de": "kenne ich die Standards.",
                 "en": "I know the standards."},
                {"code": "angewandt", "de": "werden die Standards im Alltag angewandt.",
                 "en": "the standards are applied in daily work."},
                {"code": "ueberprueft",
                 "de": "werden die Standards regelmäßig überprüft und weiterentwickelt.",
                 "en": "the standards are regularly reviewed and developed."},
            ]}


SYSTEM_OPTIONS = [
    {"de": "Jugendamt / Allgemeiner Sozialer Dienst", "en": "Youth office / social service"},
    {"de": "Freier Träger der Jugendhilfe", "en": "Independent youth welfare provider"},
    {"de": "Gesundheitswesen (Klinik, Praxis, Hebamme)",
     "en": "Health (clinic, practice, midwife)"},
    {"de": "Schule", "en": "School"},
    {"de": "Kindertagesbetreuung (Kita)", "en": "Day care (Kita)"},
    {"de": "Polizei", "en": "Police"},
    {"de": "Familiengericht", "en": "Family court"},
    {"de": "Beratungsstelle", "en": "Counselling service"},
    {"de": "Frühe Hilfen", "en": "Early help"},
    {"de": "Sonstige Einrichtung", "en": "Other organisation"},
]

INSTRUMENT = {
    "family": FAMILY,
    "title_de": "Kinderschutz-Bestandsaufnahme",
    "title_en": "Child protection baseline survey",
    "title_plain": "Fragen zum Kinderschutz",
    "intro_de": (
        "Mit dieser Befragung schaut das Kinderschutz-Netzwerk Ihrer Kommune auf sich selbst: "
        "Wo stehen wir, was gelingt, wo sehen die Beteiligten Handlungsbedarf? Die Befragung "
        "ist anonym. Ihre Antworten werden ohne Verbindung zu Ihrem Code gespeichert, und "
        "Ergebnisse werden nur für Gruppen ab fünf Personen gezeigt. Das Ausfüllen dauert etwa "
        "15 Minuten."),
    "intro_en": (
        "With this survey the child protection network of your municipality looks at itself: "
        "where do we stand, what works, where do the actors see a need for action? The survey "
        "is anonymous. Your answers are stored without any link to your code, and results are "
        "shown only for groups of five or more people. It takes about 15 minutes."),
    "intro_plain": (
        "Wir möchten wissen: Wie gut klappt der Schutz von Kindern in Ihrer Stadt oder Ihrem "
        "Landkreis? Ihre Antworten sind anonym. Das heißt: Niemand erfährt, was Sie "
        "geantwortet haben."),
    "paged": True,
    "dimension_labels": {
        "standards_fachkraft": {"de": "Standards: Ebene Fachkraft",
                                "en": "Standards: individual professional"},
        "standards_team": {"de": "Standards: Ebene Team", "en": "Standards: team"},
        "standards_organisation": {"de": "Standards: Ebene Organisation",
                                   "en": "Standards: organisation"},
        "standards_hilfesystem": {"de": "Standards: Ebene Hilfesystem",
                                  "en": "Standards: help system"},
        "p79a": {"de": "Qualitätsentwicklung nach § 79a SGB VIII",
                 "en": "Quality development (§ 79a SGB VIII)"},
        "error_culture": {"de": "Fehlerkultur", "en": "Error culture"},
        "practice": {"de": "Fachliche Praxis im Einzelfall", "en": "Practice in the case"},
        "cooperation_partners": {"de": "Zusammenarbeit mit den Professionssystemen",
                                 "en": "Cooperation with the professional systems"},
        "cooperation": {"de": "Zusammenarbeit im Netzwerk", "en": "Cooperation in the network"},
        "resources": {"de": "Ressourcen und Arbeitsbedingungen",
                      "en": "Resources and working conditions"},
        "participation": {"de": "Beteiligung von Kindern und Eltern",
                          "en": "Participation of children and parents"},
    },
    "sections": [
        {"code": "about", "title_de": "Zu Ihrer Rolle", "title_en": "About your role",
         "title_plain": "Über Sie",
         "intro_de": "Wir fragen nicht nach Ihrem Namen. Diese Angaben brauchen wir, um die "
                     "Sichtweisen verschiedener Gruppen vergleichen zu können.",
         "intro_en": "We do not ask for your name. We need these answers to compare the views "
                     "of different groups.",
         "intro_plain": "Wir fragen nicht nach Ihrem Namen.",
         "items": [
             {"code": "perspective", "kind": "single", "role": "perspective", "required": True,
              "text_de": "Aus welcher Perspektive beantworten Sie die Fragen?",
              "text_en": "From which perspective do you answer the questions?",
              "text_plain": "Wer sind Sie?",
              "options": [
                  {"de": "Leitung", "en": "Management", "plain": "Ich leite eine Einrichtung."},
                  {"de": "Fachkraft", "en": "Front-line professional",
                   "plain": "Ich arbeite mit Kindern oder Familien."},
                  {"de": "Klient:in (Mutter, Vater, Jugendliche:r)",
                   "en": "Client (mother, father, young person)",
                   "plain": "Ich bekomme Hilfe für mich oder meine Familie."},
                  {"de": "Kooperationspartner:in aus einer anderen Einrichtung",
                   "en": "Cooperation partner from another organisation",
                   "plain": "Ich arbeite in einer anderen Einrichtung mit."},
              ]},
             {"code": "professional_system", "kind": "single", "role": "professional_system",
              "required": True, "condition": PROFESSIONALS,
              "text_de": "In welchem Bereich arbeiten Sie?",
              "text_en": "In which field do you work?", "options": SYSTEM_OPTIONS},
         ]},
        {"code": "standards", "condition": PROFESSIONALS,
         "title_de": "Standards auf vier Ebenen", "title_en": "Standards on four levels",
         "intro_de": "Fehler im Kinderschutz entstehen auf verschiedenen Ebenen. Bitte schätzen "
                     "Sie für jede Ebene ein, wie es um fachliche Standards steht.",
         "intro_en": "Errors in child protection arise on different levels. For each level, "
                     "please rate the state of professional standards.",
         "items": [
             level_matrix("std_fachkraft",
                          "Für die Arbeit der einzelnen Fachkraft (z. B. Gefährdungseinschätzung, "
                          "Gespräche mit Familien, Dokumentation) …",
                          "For the work of the individual professional (e.g. risk assessment, "
                          "talks with families, documentation) …"),
             level_matrix("std_team",
                          "Für die Zusammenarbeit im Team (z. B. kollegiale Beratung, "
                          "Vier-Augen-Prinzip, Fallübergaben) …",
                          "For teamwork (e.g. peer consultation, four-eyes principle, "
                          "handovers) …"),
             level_matrix("std_organisation",
                          "Für die Organisation (z. B. Zuständigkeiten, Vertretung, "
                          "Leitungsentscheidungen, Umgang mit Fehlern) …",
                          "For the organisation (e.g. responsibilities, cover, management "
                          "decisions, dealing with errors) …"),
             level_matrix("std_hilfesystem",
                          "Für die Zusammenarbeit im Hilfesystem (z. B. Meldewege, "
                          "Rückmeldungen, Kooperationsvereinbarungen) …",
                          "For cooperation in the help system (e.g. reporting channels, "
                          "feedback, cooperation agreements) …"),
         ]},
        {"code": "p79a", "condition": PROFESSIONALS,
         "title_de": "Qualitätsentwicklung nach § 79a SGB VIII",
         "title_en": "Quality development under § 79a SGB VIII",
         "items": [
             likert("a79_leistungen", "Für die Leistungen der Kinder- und Jugendhilfe in "
                    "unserer Kommune gibt es vereinbarte Qualitätsmerkmale.",
                    "There are agreed quality criteria for the youth welfare services in our "
                    "municipality.", dimension="p79a"),
             likert("a79_8a", "Für die Gefährdungseinschätzung nach § 8a SGB VIII gibt es ein "
                    "verbindliches Verfahren, das allen Beteiligten bekannt ist.",
                    "There is a binding procedure for the risk assessment under § 8a SGB VIII "
                    "that everyone involved knows.", dimension="p79a"),
             likert("a79_kooperation", "Für die Zusammenarbeit mit anderen Institutionen im "
                    "Kinderschutz gibt es verbindliche Absprachen.",
                    "There are binding arrangements for cooperation with other institutions in "
                    "child protection.", dimension="p79a"),
             likert("a79_schutz", "Die Rechte von Kindern und Jugendlichen in Einrichtungen und "
                    "ihr Schutz vor Gewalt sind durch Konzepte gesichert.",
                    "The rights of children and young people in residential and day facilities "
                    "and their protection from violence are secured by concepts.",
                    dimension="p79a"),
             likert("a79_ueberpruefung", "Die Qualitätsstandards werden regelmäßig überprüft "
                    "und weiterentwickelt.", "The quality standards are regularly reviewed and "
                    "developed further.", dimension="p79a"),
         ]},
        {"code": "errors", "condition": PROFESSIONALS,
         "title_de": "Umgang mit Fehlern", "title_en": "Dealing with errors",
         "items": [
             likert("fk_verstaendnis", "In meinem Arbeitsbereich gibt es ein gemeinsames "
                    "Verständnis davon, was ein Fehler im Kinderschutz ist.",
                    "In my field of work there is a shared understanding of what an error in "
                    "child protection is.", dimension="error_culture"),
             likert("fk_erkennen", "Fehler und Beinahe-Fehler werden bei uns systematisch "
                    "erkannt, zum Beispiel durch Fallrückschauen.",
                    "Errors and near misses are identified systematically, for example through "
                    "case reviews.", dimension="error_culture"),
             likert("fk_ansprechen", "Wer einen Fehler anspricht, muss bei uns keine negativen "
                    "Folgen befürchten.", "Whoever raises an error need not fear negative "
                    "consequences.", dimension="error_culture"),
             likert("fk_konsequenzen", "Aus Fehlern werden bei uns Konsequenzen für die Praxis "
                    "gezogen.", "We draw consequences for practice from errors.",
                    dimension="error_culture"),
             likert("fk_schuld", "Bei Fehlern wird bei uns vor allem nach Schuldigen gesucht.",
                    "When errors happen, we mainly look for someone to blame.",
                    dimension="error_culture", reverse=True),
             likert("pr_vier_augen", "Das Vier-Augen-Prinzip wird bei "
                    "Gefährdungseinschätzungen eingehalten.", "The four-eyes principle is "
                    "kept in risk assessments.", dimension="practice"),
             likert("pr_kind_sehen", "Kinder werden bei einer Gefährdungseinschätzung "
                    "persönlich in Augenschein genommen.", "Children are seen in person during "
                    "a risk assessment.", dimension="practice"),
             likert("pr_dokumentation", "Die Dokumentation von Kinderschutzfällen ist "
                    "vollständig und nachvollziehbar.", "The documentation of child "
                    "protection cases is complete and comprehensible.", dimension="practice"),
             likert("pr_informationskette", "Informationen gehen zwischen den Beteiligten "
                    "ohne Brüche weiter.", "Information passes between those involved "
                    "without breaks.", dimension="practice"),
         ]},
        {"code": "cooperation", "condition": PROFESSIONALS,
         "title_de": "Zusammenarbeit im Netzwerk", "title_en": "Cooperation in the network",
         "items": [
             {"code": "ko_partner", "kind": "matrix", "scale_points": 5, "dont_know": True,
              "dimension": "cooperation_partners",
              "text_de": "Die Zusammenarbeit mit diesen Bereichen funktioniert im Kinderschutz "
                         "gut:",
              "text_en": "Cooperation in child protection works well with these fields:",
              "rows": [{"code": f"s{n}", "de": o["de"], "en": o["en"]}
                       for n, o in enumerate(SYSTEM_OPTIONS[:9], start=1)]},
             likert("ko_ansprechpersonen", "Ich weiß, wen ich in anderen Einrichtungen bei "
                    "einer Sorge um ein Kind ansprechen kann.", "I know whom to contact in "
                    "other organisations when I am worried about a child.",
                    dimension="cooperation"),
             likert("ko_erreichbarkeit", "Ansprechpersonen anderer Einrichtungen sind in "
                    "dringenden Fällen erreichbar.", "Contact persons of other organisations "
                    "can be reached in urgent cases.", dimension="cooperation"),
             likert("ko_rueckmeldung", "Nach einer Mitteilung an das Jugendamt erfahre ich, "
                    "wie es weitergeht.", "After informing the youth office, I learn how "
                    "things continue.", dimension="cooperation"),
             likert("ko_vereinbarungen", "Es gibt schriftliche Kooperationsvereinbarungen, die "
                    "ich kenne.", "There are written cooperation agreements that I know.",
                    dimension="cooperation"),
         ]},
        {"code": "resources", "condition": PROFESSIONALS,
         "title_de": "Ressourcen und Arbeitsbedingungen",
         "title_en": "Resources and working conditions",
         "items": [
             likert("rs_fallbelastung", "Meine Fallbelastung ist so hoch, dass ich "
                    "Kinderschutzaufgaben nicht mit der nötigen Sorgfalt erledigen kann.",
                    "My caseload is so high that I cannot carry out child protection tasks "
                    "with the necessary care.", dimension="resources", reverse=True),
             likert("rs_vertretung", "Vakanzen und Vertretungen sind in meinem Arbeitsbereich "
                    "verlässlich geregelt.", "Vacancies and cover are reliably arranged in my "
                    "field of work.", dimension="resources"),
             likert("rs_supervision", "Ich habe Zugang zu Supervision oder kollegialer "
                    "Beratung, wenn ich sie brauche.", "I have access to supervision or peer "
                    "consultation when I need it.", dimension="resources"),
             likert("rs_fortbildung", "Ich habe ausreichend Gelegenheit zur Fortbildung im "
                    "Kinderschutz.", "I have enough opportunity for training in child "
                    "protection.", dimension="resources"),
             likert("rs_iefk", "Eine insoweit erfahrene Fachkraft ist bei Bedarf schnell "
                    "erreichbar.", "A child protection specialist (insoweit erfahrene "
                    "Fachkraft) can be reached quickly when needed.", dimension="resources"),
         ]},
        {"code": "participation", "title_de": "Beteiligung von Kindern und Eltern",
         "title_en": "Participation of children and parents",
         "title_plain": "Mitreden von Kindern und Eltern",
         "items": [
             likert("bt_kinder", "Kinder und Jugendliche werden an Entscheidungen, die sie "
                    "betreffen, altersgerecht beteiligt.", "Children and young people take "
                    "part in decisions that concern them, in a way suited to their age.",
                    "Kinder dürfen mitreden, wenn es um sie geht.", dimension="participation"),
             likert("bt_eltern", "Eltern werden offen über Sorgen und nächste Schritte "
                    "informiert.", "Parents are openly informed about concerns and next steps.",
                    "Eltern erfahren ehrlich: Was ist die Sorge? Was passiert als Nächstes?",
                    dimension="participation"),
             likert("bt_verstehen", "Die Fachkräfte erklären ihre Entscheidungen so, dass "
                    "Familien sie verstehen.", "Professionals explain their decisions so that "
                    "families understand them.", "Die Fachleute erklären alles so, dass man es "
                    "versteht.", dimension="participation"),
             likert("bt_beschwerde", "Kinder, Jugendliche und Eltern kennen Möglichkeiten, "
                    "sich zu beschweren.", "Children, young people and parents know how to "
                    "make a complaint.", "Familien wissen: Hier kann ich mich beschweren.",
                    dimension="participation"),
         ]},
        {"code": "interests", "title_de": "Ihre Anliegen für die Qualitätsentwicklung",
         "title_en": "Your concerns for quality development",
         "title_plain": "Ihre Wünsche",
         "intro_de": "Bitte nennen Sie keine Namen und nichts, woran Personen oder Familien "
                     "erkannt werden können.",
         "intro_en": "Please do not mention names or anything by which people or families "
                     "could be recognised.",
         "intro_plain": "Bitte schreiben Sie keine Namen auf.",
         "items": [
             {"code": "qe_themen", "kind": "multi", "allow_other": True,
              "condition": PROFESSIONALS,
              "text_de": "An welchen Themen sollte in den Qualitätsentwicklungs-Werkstätten "
                         "gearbeitet werden?",
              "text_en": "Which topics should the quality development workshops work on?",
              "options": [
                  {"de": "Gefährdungseinschätzung nach § 8a SGB VIII",
                   "en": "Risk assessment under § 8a SGB VIII"},
                  {"de": "Fallübergaben und Zuständigkeitswechsel",
                   "en": "Handovers and changes of responsibility"},
                  {"de": "Zusammenarbeit mit dem Gesundheitswesen",
                   "en": "Cooperation with health services"},
                  {"de": "Zusammenarbeit mit Schulen und Kitas",
                   "en": "Cooperation with schools and day care"},
                  {"de": "Beteiligung von Kindern und Eltern",
                   "en": "Participation of children and parents"},
                  {"de": "Dokumentation", "en": "Documentation"},
                  {"de": "Fehlerkultur und Fallrückschau", "en": "Error culture and case reviews"},
                  {"de": "Arbeitsbedingungen", "en": "Working conditions"},
              ]},
             {"code": "qe_gelingt", "kind": "long_text", "max_length": 2000,
              "text_de": "Was gelingt im Kinderschutz in Ihrer Kommune besonders gut?",
              "text_en": "What works particularly well in child protection in your "
                         "municipality?",
              "text_plain": "Was ist gut beim Kinderschutz?"},
             {"code": "qe_vorrang", "kind": "long_text", "max_length": 2000,
              "text_de": "Woran sollte die Qualitätsentwicklung vorrangig arbeiten?",
              "text_en": "What should quality development work on first?",
              "text_plain": "Was soll besser werden?"},
         ]},
    ],
}
