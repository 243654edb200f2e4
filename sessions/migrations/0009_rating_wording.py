"""Rating wording as data (docs/rating-wording.md): the table, version 1 of every instrument in
English (the app's wording as it stood, taken from the templates and forms that held it), German
and Spanish (the team's own translations, not validated: the PEG has none, so German and Spanish
readers are shown its English items), and the wording of each session rating, nullable and
empty for now (0010 sets what older ratings were given in: en-gb v1)."""

import django.contrib.postgres.fields
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models

from backrelease.common.schema_changes import SetLockTimeout, add_foreign_key

WORDINGS = [
    "pain_before_wording",
    "arch_before_wording",
    "arch_after_wording",
    "pain_after_wording",
]


def wording(what: str) -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        db_index=False,
        help_text=f"The wording the {what} was given in.",
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="release_sessions.ratingwording",
    )


INSERT = """INSERT INTO release_sessions_ratingwording
    (instrument, language, version, question, low_label, high_label, point_labels, status,
     source, citation, licence)
    VALUES (%s, %s, 1, %s, %s, %s, %s, %s, %s, %s, %s)"""

# What the app showed until this migration, word for word (0 and the top of the scale are
# written by the page beside the end labels).
APP_ENGLISH = (
    "The app's English as it stood before wording was recorded (templates/sessions/session.html, "
    "sessions/forms.py ARCH_LABELS, templates/journal/, templates/trial/), written by the team."
)
TEAM = (
    "The team's own translation of the en-gb version 1, in plain words for a person in pain, "
    "reviewed side by side with the English. Not validated."
)
PEG_CITATION = (
    "Krebs EE, Lorenz KA, Bair MJ, Damush TM, Wu J, Sutherland JM, Asch SM, Kroenke K. "
    "Development and initial validation of the PEG, a three-item scale assessing pain intensity "
    "and interference. J Gen Intern Med. 2009;24(6):733-738. doi:10.1007/s11606-009-0981-1"
)
PEG_SOURCE = (
    "The app's English wording of the PEG item as it stood before wording was recorded "
    "(templates/journal/check_in.html): the team's plain-English rendering of the published item "
    '("this week", "got in the way of" for "interfered with"), not its exact text.'
)
PEG_LICENCE = (
    "Published open access (Krebs et al. 2009) and used without a fee, as the product brief "
    "records; derived from the Brief Pain Inventory, whose translations are copyrighted. No "
    "translation is used: see docs/rating-wording.md."
)
ARCH_POINTS = {
    "en-gb": [
        "No gap: my lower back rests on the floor",
        "Only my fingertips slide in",
        "A flat hand slides in, snugly",
        "A flat hand slides in with room to spare",
        "More than a flat hand fits",
    ],
    "de": [
        "Kein Spalt: mein unterer Rücken liegt auf dem Boden",
        "Nur meine Fingerspitzen passen darunter",
        "Eine flache Hand passt darunter, knapp",
        "Eine flache Hand passt darunter, mit Platz",
        "Mehr als eine flache Hand passt darunter",
    ],
    "es": [
        "Sin hueco: la parte baja de mi espalda toca el suelo",
        "Solo entran las puntas de mis dedos",
        "Entra la mano plana, justa",
        "Entra la mano plana, con espacio de sobra",
        "Cabe más que una mano plana",
    ],
}
# (instrument, language, question, low label, high label); the English is "original", the rest "team".
WORDING = [
    ("pain", "en-gb", "Pain now, 0 to 10", "no pain", "worst you can imagine"),
    ("pain", "de", "Schmerz jetzt, 0 bis 10", "kein Schmerz", "stärkster vorstellbarer Schmerz"),
    ("pain", "es", "Dolor ahora, de 0 a 10", "sin dolor", "el peor dolor imaginable"),
    (
        "arch",
        "en-gb",
        "How much of your hand fits, legs straight?",
        "back flat",
        "more than a hand",
    ),
    (
        "arch",
        "de",
        "Wie viel der Hand passt unter den Rücken, Beine gestreckt?",
        "Rücken flach",
        "mehr als eine Hand",
    ),
    (
        "arch",
        "es",
        "¿Cuánto de la mano cabe bajo la espalda, con las piernas estiradas?",
        "espalda plana",
        "más que una mano",
    ),
    (
        "trial_daily",
        "en-gb",
        "Your usual pain today: over the day as a whole, how bad was it?",
        "no pain",
        "worst you can imagine",
    ),
    (
        "trial_daily",
        "de",
        "Üblicher Schmerz heute: Wie stark war er, über den ganzen Tag gesehen?",
        "kein Schmerz",
        "stärkster vorstellbarer Schmerz",
    ),
    (
        "trial_daily",
        "es",
        "Dolor habitual de hoy: considerando el día entero, ¿cuánto dolor hubo?",
        "sin dolor",
        "el peor dolor imaginable",
    ),
]
PEG = [
    (
        "peg_pain",
        "What number best describes your pain on average this week?",
        "no pain",
        "worst you can imagine",
    ),
    (
        "peg_enjoyment",
        "How much has pain got in the way of enjoying life this week?",
        "not at all",
        "completely",
    ),
    (
        "peg_activity",
        "How much has pain got in the way of your everyday activity this week?",
        "not at all",
        "completely",
    ),
]
ROWS = [
    (
        instrument,
        language,
        question,
        low,
        high,
        ARCH_POINTS[language] if instrument == "arch" else [],
        "original" if language == "en-gb" else "team",
        APP_ENGLISH if language == "en-gb" else TEAM,
        "",
        "",
    )
    for instrument, language, question, low, high in WORDING
] + [
    (
        instrument,
        "en-gb",
        question,
        low,
        high,
        [],
        "original",
        PEG_SOURCE,
        PEG_CITATION,
        PEG_LICENCE,
    )
    for instrument, question, low, high in PEG
]


class Migration(migrations.Migration):
    dependencies = [
        ("release_sessions", "0008_reminders_move_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        SetLockTimeout(),
        migrations.CreateModel(
            name="RatingWording",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "instrument",
                    models.CharField(
                        choices=[
                            ("pain", "Pain, 0-10"),
                            ("arch", "Lumbar arch, hand-slide test, 0-4"),
                            ("peg_pain", "PEG: average pain this week"),
                            ("peg_enjoyment", "PEG: pain in the way of enjoying life"),
                            ("peg_activity", "PEG: pain in the way of general activity"),
                            ("trial_daily", "Trial plan: the day's usual pain"),
                        ],
                        max_length=16,
                    ),
                ),
                ("language", models.CharField(max_length=16)),
                (
                    "version",
                    models.PositiveSmallIntegerField(
                        validators=[django.core.validators.MinValueValidator(1)]
                    ),
                ),
                ("question", models.CharField(max_length=300)),
                ("low_label", models.CharField(help_text="The words at 0.", max_length=100)),
                (
                    "high_label",
                    models.CharField(
                        help_text="The words at the top of the scale.", max_length=100
                    ),
                ),
                (
                    "point_labels",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=100), blank=True, default=list
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("original", "original English"),
                            ("validated", "validated translation"),
                            ("team", "the team's own translation, not validated"),
                        ],
                        max_length=10,
                    ),
                ),
                ("source", models.TextField(help_text="Where the wording comes from.")),
                (
                    "citation",
                    models.TextField(
                        blank=True, help_text="The publication, for published wording."
                    ),
                ),
                ("licence", models.TextField(blank=True, help_text="The terms it is used under.")),
            ],
            options={
                "ordering": ["instrument", "language", "-version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("instrument", "language", "version"), name="one_wording_a_version"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "instrument__in",
                                [
                                    "pain",
                                    "arch",
                                    "peg_pain",
                                    "peg_enjoyment",
                                    "peg_activity",
                                    "trial_daily",
                                ],
                            )
                        ),
                        name="wording_instrument_is_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["original", "validated", "team"])),
                        name="wording_status_is_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("version__gte", 1)), name="wording_version_from_1"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("language__regex", "^[a-z]{2,3}(-[a-z0-9]{2,8})*$")),
                        name="wording_language_is_a_code",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("question", ""), _negated=True),
                            models.Q(("low_label", ""), _negated=True),
                            models.Q(("high_label", ""), _negated=True),
                            models.Q(("source", ""), _negated=True),
                        ),
                        name="wording_is_complete",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "validated"), _negated=True),
                            models.Q(
                                models.Q(("citation", ""), _negated=True),
                                models.Q(("licence", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="validated_wording_is_cited",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("instrument__in", ("peg_pain", "peg_enjoyment", "peg_activity")),
                            ("status", "team"),
                            _negated=True,
                        ),
                        name="peg_never_in_our_own_translation",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("instrument", "arch"), ("point_labels__len", 5)),
                            models.Q(
                                models.Q(("instrument", "arch"), _negated=True),
                                ("point_labels__len", 0),
                            ),
                            _connector="OR",
                        ),
                        name="arch_wording_names_each_point",
                    ),
                ],
            },
        ),
        migrations.RunSQL(
            [(INSERT, row) for row in ROWS],
            "DELETE FROM release_sessions_ratingwording",
        ),
        *[
            operation
            for name in WORDINGS
            for operation in add_foreign_key(
                "releasesession",
                name,
                wording(name.removesuffix("_wording").replace("_", " ")),
                table="release_sessions_releasesession",
                target_table="release_sessions_ratingwording",
            )
        ],
        AddConstraintNotValid(
            model_name="releasesession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("pain_before__isnull", False),
                    ("pain_before_wording__isnull", True),
                    _connector="OR",
                ),
                name="pain_before_wording_with_rating",
            ),
        ),
        AddConstraintNotValid(
            model_name="releasesession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("arch_before__isnull", False),
                    ("arch_before_wording__isnull", True),
                    _connector="OR",
                ),
                name="arch_before_wording_with_rating",
            ),
        ),
        AddConstraintNotValid(
            model_name="releasesession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("arch_after__isnull", False),
                    ("arch_after_wording__isnull", True),
                    _connector="OR",
                ),
                name="arch_after_wording_with_rating",
            ),
        ),
        AddConstraintNotValid(
            model_name="releasesession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("pain_after__isnull", False),
                    ("pain_after_wording__isnull", True),
                    _connector="OR",
                ),
                name="pain_after_wording_with_rating",
            ),
        ),
    ]
