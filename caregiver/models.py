"""Users, children, care teams, invitations and the audit trail."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
import uuid
import zoneinfo
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caregiver import bounds

INVITATION_LIFETIME = timedelta(days=7)


@cache
def time_zone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


@cache
def time_zone_renames() -> dict[str, str]:
    """Old zone names and the names the tz database uses now ("Asia/Calcutta" → "Asia/Kolkata"),
    from its compiled source (tzdata.zi) on the zone search path; empty where there is none.
    Browsers often report the old names (Chromium's ICU does)."""
    for folder in zoneinfo.TZPATH:
        source = Path(folder) / "tzdata.zi"
        if source.is_file():
            known = set(time_zone_names())
            links = (line.split() for line in source.read_text().splitlines() if line.startswith("L "))
            return {old: new for _, new, old in links if old in known and new in known}
    return {}


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def has_control_characters(value: str) -> bool:
    """Line breaks, NUL and the other control characters: never part of a name, and a line
    break in a name that reaches a mail subject makes sending fail."""
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value)


NAME_CONTROL_CHARACTERS = _("A name cannot contain line breaks or other control characters.")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def matching(self, address: str) -> models.QuerySet[User]:
        """The accounts sign-in finds for a typed address: case-insensitively, as the database
        folds case (PostgreSQL's UPPER() also folds a dotless ı to I; SQLite's folds ASCII only)."""
        return self.filter(email__iexact=address)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.matching(username or "").get()

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("your name"), max_length=100, blank=True)
    # Blank: the browser's language (Accept-Language) decides. Choices live in the form
    # (settings.LANGUAGES), so adding a language needs no migration.
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        if has_control_characters(self.name):
            raise ValidationError({"name": NAME_CONTROL_CHARACTERS})

    def get_short_name(self) -> str:
        return self.name or self.email


class GeneVariant(models.TextChoices):
    KCNT1 = "kcnt1", "KCNT1"
    SCN2A = "scn2a", "SCN2A"
    OTHER = "other", _("Another gene")
    UNKNOWN = "unknown", _("Not known")


class Child(models.Model):
    """A child whose seizures are logged. Reached only through a Membership."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, help_text=_("As the family calls them."))
    born_on = models.DateField(_("date of birth"))
    seizures_began_on = models.DateField(_("seizures began on"), null=True, blank=True)
    diagnosis = models.CharField(
        _("diagnosis"), max_length=200, default="Malignant migrating partial epilepsy of infancy"
    )
    gene_variant = models.CharField(
        _("known gene variant"), max_length=10, choices=GeneVariant, default=GeneVariant.UNKNOWN
    )
    gene_variant_detail = models.CharField(
        _("variant details"), max_length=200, blank=True, help_text=_("For example the gene name.")
    )
    time_zone = models.CharField(
        _("household time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    rescue_plan = models.TextField(
        _("rescue plan"),
        blank=True,
        help_text=_("What the seizure action plan says to do when a seizure goes on too long."),
    )
    rescue_threshold_minutes = models.PositiveSmallIntegerField(
        _("rescue threshold (minutes)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("The timer raises an alert when a seizure lasts this long."),
    )
    cluster_alert_count = models.PositiveSmallIntegerField(
        _("cluster alert: seizures"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(1000)],
        help_text=_("Warn caregivers when this many seizures happen within the hours below."),
    )
    cluster_alert_hours = models.PositiveSmallIntegerField(
        _("cluster alert: within hours"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def get_absolute_url(self) -> str:
        """The child's home page, named by the app that logs for children (its AppConfig's
        `child_home`), so this app never names another app's URLs."""
        return reverse(
            next(c.child_home for c in apps.get_app_configs() if hasattr(c, "child_home")), args=[self.public_id]
        )

    def today(self, now: datetime | None = None) -> date:
        """The child's local date at `now` (default: this moment): days are the household's."""
        return (now or timezone.now()).astimezone(self.zone).date()

    def lock(self) -> None:
        """Locks this child's row until the transaction ends, so writes that must see each
        other (two phones starting or tapping at once) take turns. Call inside atomic().
        FOR NO KEY UPDATE on PostgreSQL: writes elsewhere that only refer to the child (an
        audit event, a sign ticked on a seizure) need not wait for it, nor it for them
        (FOR UPDATE blocked their foreign-key checks: a deadlock with a phone joining)."""
        list(Child.objects.select_for_update(no_key=True).filter(pk=self.pk).values_list("pk", flat=True))

    def clean(self) -> None:
        errors = {}
        today = self.today() if self.time_zone in time_zone_names() else None
        if self.born_on and today and self.born_on > today:
            errors["born_on"] = _("The date of birth cannot be in the future.")
        if self.born_on and self.born_on < bounds.EARLIEST_ON:
            errors["born_on"] = bounds.too_early_message()
        if self.seizures_began_on and self.born_on and self.seizures_began_on < self.born_on:
            errors["seizures_began_on"] = _("Seizures cannot begin before the date of birth.")
        if self.seizures_began_on and today and self.seizures_began_on > today:
            errors["seizures_began_on"] = _("This date cannot be in the future.")
        if (self.cluster_alert_count is None) != (self.cluster_alert_hours is None):
            errors["cluster_alert_hours"] = _("Give both the number of seizures and the hours, or neither.")
        if has_control_characters(self.name):
            errors["name"] = NAME_CONTROL_CHARACTERS
        if errors:
            raise ValidationError(errors)


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    CAREGIVER = "caregiver", _("Caregiver")
    CLINICIAN = "clinician", _("Clinician (reads; edits the plan)")


class Membership(models.Model):
    """One person's place on one child's care team."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "child"], name="one_membership_per_child")]

    def __str__(self) -> str:
        return f"{self.user} — {self.child} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role in (Role.OWNER, Role.CAREGIVER)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def can_edit_plan(self) -> bool:
        """The seizure action plan is the clinic's and the parents': caregivers follow it."""
        return self.role in (Role.OWNER, Role.CLINICIAN)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use link that adds the invited address's account to a child's team with a role.

    Only the token's hash is stored, so a database leak does not leak working links."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("their e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.CAREGIVER)
    # The language the e-mail is written in, chosen by the inviter (a grandmother may not read
    # the parents' language); the new member's pages and alerts start in it. A code from
    # settings.LANGUAGES; blank for invitations sent before it was asked.
    language = models.CharField(_("language"), max_length=10, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = InvitationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.child}"

    @classmethod
    def issue(
        cls, *, child: Child, email: str, role: str, invited_by: User, language: str = ""
    ) -> tuple[Invitation, str]:
        """Create an invitation; returns it with the plain token (shown once, in the link)."""
        invitation = cls(child=child, email=email.lower(), role=role, invited_by=invited_by, language=language)
        token = invitation._new_token()
        invitation.save()
        return invitation, token

    def renew(self) -> str:
        """A new link for this invitation, for another full lifetime; the old link stops
        working. Returns the plain token."""
        token = self._new_token()
        self.save(update_fields=["token_hash", "expires_at"])
        return token

    def _new_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.expires_at = timezone.now() + INVITATION_LIFETIME
        return token

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()

    def is_for(self, user: User) -> bool:
        """Whether `user` is the account that signing in with the invited address reaches:
        the same lookup as sign-in, so the address matches exactly as sign-in matches it."""
        try:
            return User.objects.get_by_natural_key(self.email).pk == user.pk
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            return False


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only")

    def delete(self):
        raise TypeError("The audit trail is append-only")


class AuditEvent(models.Model):
    """Who did what to which record of which child, and when. Never changed or deleted.

    The child and actor are kept as labels too, so the trail still reads sensibly after an
    account is deleted (the actor link is then cleared)."""

    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=10, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only")


class DeviceToken(models.Model):
    """A key for a device that logs for one child without a person signing in: a bedside
    button, a watch, a phone shortcut. It acts as the team member who made it (an owner), on
    that child only, within that member's rights; removing the member removes their tokens.
    Only the hash is stored; the token itself is shown once."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="device_tokens")
    name = models.CharField(_("name"), max_length=60, help_text=_("What it is, e.g. “bedside button”."))
    read_only = models.BooleanField(
        _("read only"), default=False, help_text=_("It may list seizures but not log or change them.")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        # The rate limit counts requests by this text: one count per token, never the secret.
        return f"device-token:{self.public_id}"

    @property
    def label(self) -> str:
        return _("device token “%(name)s”") % {"name": self.name}
