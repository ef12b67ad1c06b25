"""Import from another diary (owners): upload a CSV, map its columns, see every row as it will
be saved with its problems, then import all or nothing (seizures.importing, recording)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from caregiver.access import AuthedRequest, Need, child_for
from caregiver.models import Child
from seizures import recording
from seizures.importing.forms import MappingForm, UploadForm
from seizures.importing.mapping import MappingError, guess, read_mapping
from seizures.importing.plan import make_plan
from seizures.importing.reading import BadFile, read_table
from seizures.models import ImportUpload


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.MANAGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = b"".join(upload.chunks())
        try:
            read_table(content, upload.name)
        except BadFile as problem:
            form.add_error("file", str(problem))
        else:
            staged = recording.stage_import(child, request.user, name=upload.name, content=content)
            return redirect("seizures:import-map", child.public_id, staged.public_id)
    status = 400 if form.errors else 200
    return render(request, "seizures/import_upload.html", {"child": child, "form": form}, status=status)


def _upload(request: AuthedRequest, child: Child, upload_id: UUID) -> ImportUpload:
    """The file this owner uploaded for this child (anyone else's is 404)."""
    return get_object_or_404(ImportUpload, child=child, uploaded_by=request.user, public_id=upload_id)


@require_http_methods(["GET", "POST"])
def import_map(request: AuthedRequest, child_id: UUID, upload_id: UUID) -> HttpResponse:
    child = child_for(request, child_id, Need.MANAGE)
    upload = _upload(request, child, upload_id)
    table = read_table(bytes(upload.content), upload.name)
    if request.method == "POST":
        form = MappingForm(request.POST, header=table.header)
        data = form.mapping_data() if form.is_valid() else None
    else:  # the first guess, for the owner to check
        data = {"columns": guess(table.header), "time_zone": child.time_zone}
        form = MappingForm(initial=MappingForm.initial_for(data), header=table.header)
    plan = None
    if data is not None:
        try:
            plan = make_plan(child, request.user, table, read_mapping(data, table.header, child.time_zone))
        except MappingError as error:
            if form.is_bound:
                for name, message in error.errors.items():
                    form.add_error(f"col_{name}" if f"col_{name}" in form.fields else None, message)
    if request.method == "POST" and "import" in request.POST and plan is not None and not form.errors:
        if plan.problem_rows:
            messages.error(request, _("Nothing was imported: fix the rows listed below, or leave out their columns."))
        else:
            try:
                added = recording.import_episodes(
                    child, request.user, plan.new, source=f"{upload.name} (sha256 {table.sha256[:16]})", upload=upload
                )
            except IntegrityError:
                messages.error(request, _("The diary changed meanwhile; nothing was imported. Try again."))
            else:
                messages.success(
                    request,
                    ngettext("Imported %(n)d seizure.", "Imported %(n)d seizures.", added) % {"n": added}
                    + (" " + _("%(n)d were already in the diary.") % {"n": plan.already} if plan.already else ""),
                )
                return redirect("seizures:timeline", child.public_id)
    context = {"child": child, "upload": upload, "table": table, "form": form, "plan": plan}
    status = 400 if request.method == "POST" and (form.errors or (plan and plan.problem_rows)) else 200
    return render(request, "seizures/import_map.html", context, status=status)
