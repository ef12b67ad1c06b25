"""Writing episodes: exactly-once creation by client UUID, row locks for changes, soft
delete and restore. Every function writes its audit event in the same transaction."""

from __future__ import annotations

from uuid import UUID

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from caregiver import audit
from caregiver.models import Child, User
from seizures.models import Cluster, Episode


class ClientUUIDConflict(Exception):
    """The client UUID is already stored for another child: refuse, change nothing."""


def already_saved(child: Child, client_uuid: UUID) -> Episode | None:
    """The child's episode with this client UUID, if stored; ClientUUIDConflict when the UUID
    belongs to another child."""
    existing = Episode.objects.filter(client_uuid=client_uuid).first()
    if existing is not None and existing.child_id != child.pk:
        raise ClientUUIDConflict
    return existing


def save_once(episode: Episode, *, actor: User, action: str, summary: str) -> tuple[Episode, bool]:
    """Save a new episode unless one with its `client_uuid` exists; returns (episode, created).

    A replay gets the stored episode back (even if deleted since: a replay never resurrects
    or changes anything). A UUID stored for another child raises ClientUUIDConflict. Two
    simultaneous requests with one UUID race on the unique constraint; the loser reads the
    winner's row. Tally taps are attached to the child's current cluster."""
    child = episode.child
    existing = already_saved(child, episode.client_uuid)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            if episode.is_tally:
                # One tap at a time per child, so two phones tapping together share a cluster.
                list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
                episode.cluster = Cluster.current_for(child, episode.started_at)
            episode.save()
            audit.record(actor, action, child=child, obj=episode, summary=summary)
    except IntegrityError:
        existing = already_saved(child, episode.client_uuid)
        if existing is None:
            raise
        return existing, False
    return episode, True


def locked_episode(child: Child, episode_id: UUID, *, deleted: bool = False) -> Episode:
    """The child's episode, locked for the rest of the transaction; 404 when it is not the
    child's (or is deleted, unless `deleted` asks for a deleted one). Call inside atomic()."""
    episodes = Episode.objects.for_child(child).select_for_update()
    episodes = episodes.deleted() if deleted else episodes.live()
    return get_object_or_404(episodes, public_id=episode_id)


def soft_delete(episode: Episode, *, actor: User, summary: str = "") -> None:
    episode.deleted_at = timezone.now()
    episode.in_progress = False
    episode.save()
    audit.record(actor, "delete", child=episode.child, obj=episode, summary=summary or "Deleted a seizure")


def restore(episode: Episode, *, actor: User) -> None:
    episode.deleted_at = None
    episode.save()
    audit.record(actor, "restore", child=episode.child, obj=episode, summary="Restored a deleted seizure")
