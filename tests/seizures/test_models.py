"""The checklist contract and the Episode / Treatment rules shared by forms and admin."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import clear_url_caches, path
from django.utils import timezone

from seizures.models import Episode, Treatment, TreatmentKind, day_bounds
from seizures.signs import BY_KEY, CORE_SIGN_KEYS, SIGN_KEYS, SIGNS
from tests.support.factories import make_episode, make_treatment

pytestmark = pytest.mark.django_db


def test_sign_keys_are_the_contract_in_checklist_order() -> None:
    assert SIGN_KEYS == ("apnea", "flushing", "eye_deviation", "jerking", "twitching", "drooling")
    assert CORE_SIGN_KEYS == ("apnea", "flushing", "eye_deviation", "jerking")


def test_every_sign_is_a_boolean_field_and_its_side_fields_exist() -> None:
    for sign in SIGNS:
        assert Episode._meta.get_field(sign.key).get_internal_type() == "BooleanField"
        for name in (sign.side_field, sign.limb_field):
            if name:
                Episode._meta.get_field(name)
    assert BY_KEY["eye_deviation"].needs_side and BY_KEY["jerking"].limb_field == "jerking_limb"
    assert not BY_KEY["apnea"].needs_side


def test_education_link_is_empty_until_the_education_route_exists(settings) -> None:
    urlconf = type("urls", (), {"urlpatterns": []})
    settings.ROOT_URLCONF = urlconf
    clear_url_caches()
    try:
        assert BY_KEY["apnea"].education_url == ""
        from django.urls import include

        article = type(
            "education_urls",
            (),
            {"app_name": "education", "urlpatterns": [path("learn/<slug:slug>/", lambda r: None, name="article")]},
        )
        urlconf.urlpatterns = [path("", include(article))]
        clear_url_caches()
        assert BY_KEY["jerking"].education_url == "/learn/signs/#sign-jerking"
    finally:
        clear_url_caches()


def test_path_keeps_region_count_and_migrated_in_step(child) -> None:
    episode = make_episode(child, path=[{"region": "left_arm", "at_seconds": 0}])
    assert (episode.region_count, episode.migrated) == (1, False)
    episode.path = [*episode.path, {"region": "right_leg", "at_seconds": 40}]
    episode.save(update_fields=["path"])
    episode.refresh_from_db()
    assert (episode.region_count, episode.migrated) == (2, True)


def test_unticking_a_sign_clears_its_side(child) -> None:
    episode = make_episode(child, jerking=True, jerking_side="left", jerking_limb="arm")
    episode.jerking = False
    episode.save()
    episode.refresh_from_db()
    assert (episode.jerking_side, episode.jerking_limb) == ("", "")


def test_every_save_of_a_stored_row_bumps_the_version(child) -> None:
    episode = make_episode(child)
    assert episode.version == 1
    episode.notes = "x"
    episode.save(update_fields=["notes"])
    episode.refresh_from_db()
    assert episode.version == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"started_at": timezone.now() + timedelta(hours=1)}, "started_at"),
        ({"started_at": datetime(2026, 2, 28, 23, 0, tzinfo=ZoneInfo("Europe/London"))}, "started_at"),
        ({"duration_seconds": 0}, "duration_seconds"),
        ({"duration_seconds": 24 * 3600 + 1}, "duration_seconds"),
        ({"eye_deviation": True}, "eye_side"),
        ({"jerking": True, "jerking_side": "left"}, "jerking_limb"),
        ({"jerking": True, "jerking_limb": "arm"}, "jerking_side"),
        ({"path": [{"region": "elbow", "at_seconds": 0}]}, "path"),
        ({"path": [{"region": "left_arm", "at_seconds": 30}, {"region": "right_arm", "at_seconds": 10}]}, "path"),
        ({"path": [{"region": "left_arm", "at_seconds": 0}, {"region": "left_arm", "at_seconds": 9}]}, "path"),
        ({"duration_seconds": 20, "path": [{"region": "left_arm", "at_seconds": 60}]}, "path"),
        ({"rescue_given_at": timezone.now() - timedelta(minutes=30)}, "rescue_medicine"),
    ],
)
def test_clean_refuses(child, fields, field) -> None:
    episode = Episode(child=child, started_at=timezone.now() - timedelta(minutes=20), duration_seconds=60)
    for name, value in fields.items():
        setattr(episode, name, value)
    with pytest.raises(ValidationError) as error:
        episode.full_clean()
    assert field in error.value.message_dict


def test_clean_accepts_a_full_episode_with_side_not_seen(child) -> None:
    episode = Episode(
        child=child,
        started_at=timezone.now() - timedelta(minutes=20),
        duration_seconds=130,
        eye_deviation=True,
        eye_side="not_seen",
        jerking=True,
        jerking_side="right",
        jerking_limb="both",
        path=[{"region": "right_arm", "at_seconds": 0}, {"region": "left_face", "at_seconds": 70}],
        rescue_medicine="Midazolam 2.5 mg",
        rescue_given_at=timezone.now() - timedelta(minutes=15),
    )
    episode.full_clean()
    episode.save()
    assert Episode.objects.get().migrated  # the path has two regions


def test_born_on_is_checked_in_the_childs_own_day(child) -> None:
    # 1 March 00:30 in London is still 28 February in New York; the child's zone decides.
    london = ZoneInfo("Europe/London")
    Episode(child=child, started_at=datetime(2026, 3, 1, 0, 30, tzinfo=london), duration_seconds=9).full_clean()
    the_day_before = Episode(child=child, started_at=datetime(2026, 2, 28, 23, 30, tzinfo=london), duration_seconds=9)
    with pytest.raises(ValidationError) as error:
        the_day_before.full_clean()
    assert error.value.message_dict["started_at"] == ["The start cannot be before the child’s date of birth."]


def test_querysets_scope_to_one_child_and_live_rows(child, outsider) -> None:
    other_child = outsider.memberships.get().child
    mine = make_episode(child)
    make_episode(child, deleted_at=timezone.now())
    make_episode(other_child)
    assert list(Episode.objects.for_child(child).live()) == [mine]
    assert Episode.objects.for_child(child).deleted().count() == 1


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        ("America/New_York", date(2026, 3, 8), 23),
        ("America/New_York", date(2026, 11, 1), 25),
        ("Europe/Berlin", date(2026, 3, 29), 23),
        ("Europe/Berlin", date(2026, 10, 25), 25),
    ],
)
def test_day_bounds_span_the_real_length_of_a_daylight_saving_day(zone, day, hours) -> None:
    start, end = day_bounds(day, ZoneInfo(zone))
    assert end - start == timedelta(hours=hours)


def test_treatment_rules_and_ongoing(child) -> None:
    with pytest.raises(ValidationError) as error:
        Treatment(child=child, kind=TreatmentKind.OTHER, started_on=date(2026, 4, 1)).full_clean()
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Treatment(
            child=child, kind=TreatmentKind.ACTH, started_on=date(2026, 4, 2), stopped_on=date(2026, 4, 1)
        ).full_clean()
    assert "stopped_on" in error.value.message_dict
    stopped = make_treatment(child, started_on=date(2026, 4, 1), stopped_on=date(2026, 4, 10))
    ongoing = make_treatment(child, TreatmentKind.KETOGENIC_DIET, started_on=date(2026, 4, 5))
    assert set(Treatment.objects.for_child(child).ongoing(date(2026, 4, 10))) == {stopped, ongoing}
    assert list(Treatment.objects.for_child(child).ongoing(date(2026, 4, 11))) == [ongoing]
    assert Treatment(kind=TreatmentKind.OTHER, name="Levetiracetam").label == "Levetiracetam"
