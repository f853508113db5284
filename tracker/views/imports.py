"""The editors' import page: upload a file, see what would change, confirm.

The preview is the import itself run in a transaction that is rolled back, so it shows
exactly what the import will do. The document read from the file travels to the
confirmation signed (and compressed), bound to the user and valid for an hour; on
confirmation it is checked and imported again, all or nothing.
"""

from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..import_files import SUFFIXES, read_document
from ..import_limits import MB, UPLOAD_MB, ImportFailed, ImportLimits
from ..importer import ImportReport, run_import

PAYLOAD_SALT = "tracker.import-preview"
PAYLOAD_MAX_AGE = 3600  # seconds between the preview and the confirmation


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=f"{', '.join(SUFFIXES)}; up to {UPLOAD_MB} MB "
        "(use `manage.py import_agreements` for larger files)."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(
                _("Upload a JSON, YAML, CSV or XLSX file (%(suffixes)s).")
                % {"suffixes": ", ".join(SUFFIXES)}
            )
        if upload.size > UPLOAD_MB * MB:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: import it on the server.")
                % {"size": UPLOAD_MB}
            )
        return upload


@login_required
@permission_required("tracker.import_agreements", raise_exception=True)
def import_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = PurePath(upload.name).name
        limits = ImportLimits.for_page()
        try:
            document = read_document(name, upload.read(), limits=limits)
            report = _import(request, document, name, dry_run=True, limits=limits)
        except ImportFailed as failure:
            context["errors"] = failure.errors
        else:
            payload = {"user": request.user.pk, "name": name, "document": document}
            context["report"] = report
            context["payload"] = signing.dumps(payload, salt=PAYLOAD_SALT, compress=True)
            context["form"] = ImportForm()
    return render(request, "tracker/import.html", context)


def _import(
    request: HttpRequest, document, name: str, *, dry_run: bool, limits: ImportLimits
) -> ImportReport:
    return run_import(
        document,
        file_name=name,
        by=request.user,
        as_user=request.user,
        dry_run=dry_run,
        limits=limits,
    )


def _confirm(request: HttpRequest) -> HttpResponse:
    try:
        payload = signing.loads(
            request.POST.get("payload", ""), salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE
        )
    except signing.BadSignature:
        payload = None
    if payload is None or payload.get("user") != request.user.pk:
        messages.error(request, _("The preview has expired or was altered: upload the file again."))
        return redirect("tracker:import")
    try:
        report = _import(
            request,
            payload["document"],
            payload["name"],
            dry_run=False,
            limits=ImportLimits.for_page(),
        )
    except ImportFailed as failure:
        context = {"form": ImportForm(), "errors": failure.errors}
        return render(request, "tracker/import.html", context, status=409)
    messages.success(
        request,
        _("Imported %(name)s. %(summary)s.")
        % {"name": report.file_name, "summary": report.summary(_)},
    )
    if len(report.agreement_slugs) == 1:
        return redirect("tracker:agreement-detail", report.agreement_slugs[0])
    return redirect("tracker:agreement-list")
