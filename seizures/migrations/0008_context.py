"""Context for each seizure and day: the onset state (which the yes/no "asleep when it began"
becomes, nothing lost), the optional seizure type, and day notes."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def asleep_to_onset(apps, schema_editor) -> None:
    """Every seizure marked "asleep when it began" began asleep; the rest are "not known" (a
    box left unticked never said the child was awake)."""
    Episode = apps.get_model("seizures", "Episode")
    Episode.objects.filter(asleep_at_onset=True).update(onset="asleep")


def onset_to_asleep(apps, schema_editor) -> None:
    Episode = apps.get_model("seizures", "Episode")
    Episode.objects.filter(onset="asleep").update(asleep_at_onset=True)


class Migration(migrations.Migration):
    dependencies = [
        ("caregiver", "0001_initial"),
        ("seizures", "0009_medicines"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="episode",
            name="onset",
            field=models.CharField(
                choices=[("awake", "Awake"), ("asleep", "Asleep"), ("feeding", "Feeding"), ("unknown", "Not known")],
                default="unknown",
                max_length=10,
                verbose_name="when it began",
            ),
        ),
        migrations.AddField(
            model_name="episode",
            name="seizure_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("focal_motor", "Focal motor"),
                    ("focal_non_motor", "Focal non-motor"),
                    ("focal_to_bilateral", "Focal to bilateral tonic-clonic"),
                    ("epileptic_spasms", "Epileptic spasms"),
                    ("unknown", "Not sure"),
                ],
                max_length=20,
                verbose_name="type of seizure",
            ),
        ),
        migrations.RunPython(asleep_to_onset, onset_to_asleep, elidable=False),
        migrations.RemoveIndex(
            model_name="episode",
            name="episode_live_stats",
        ),
        migrations.RemoveField(
            model_name="episode",
            name="asleep_at_onset",
        ),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=[
                    "child",
                    "started_at",
                    "duration_seconds",
                    "is_tally",
                    "migrated",
                    "apnea",
                    "flushing",
                    "eye_deviation",
                    "jerking",
                    "twitching",
                    "drooling",
                    "eye_side",
                    "jerking_side",
                    "rescue_medicine",
                    "onset",
                    "seizure_type",
                    "received_at",
                    "deleted_at",
                ],
                name="episode_live_stats",
            ),
        ),
        migrations.CreateModel(
            name="DayNote",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("noted_on", models.DateField(verbose_name="day")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("illness", "Illness or fever"),
                            ("vaccination", "Vaccination"),
                            ("missed_sleep", "Missed sleep"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="what happened",
                    ),
                ),
                (
                    "temperature_c",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        help_text="Optional, for an illness or fever: the highest taken that day.",
                        max_digits=3,
                        null=True,
                        verbose_name="temperature (°C)",
                    ),
                ),
                ("text", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("client_uuid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
            ],
        ),
        migrations.AddField(
            model_name="daynote",
            name="child",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="day_notes", to="caregiver.child"
            ),
        ),
        migrations.AddField(
            model_name="daynote",
            name="created_by",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddIndex(
            model_name="daynote",
            index=models.Index(fields=["child", "noted_on"], name="seizures_da_child_i_a094cd_idx"),
        ),
    ]
