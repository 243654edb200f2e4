"""A person's own data, out of the app and back in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET, require_http_methods

from backrelease import portability
from backrelease.common import commit_wait
from backrelease.common.htmx import answer
from backrelease.common.period import Period
from backrelease.portability.forms import ImportForm
from journal import exports


@login_required
@require_GET
def export_json(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.in_batches(portability.export_lines(request.user)),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="back-release-export.json"'
    return response


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    scope = exports.Scope(Period.of(request.user))
    return exports.csv_response(scope, "back-release-export.csv")


# An import of the largest file the app takes (`portability.MAX_ROWS`) keeps the database busy for
# seconds, longer than COMMIT_WAIT on a busy machine; still well under nginx's 60 s.
IMPORT_WAIT = 40


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@commit_wait.allowing(IMPORT_WAIT)
def import_data(request: HttpRequest) -> HttpResponse:
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    imported = None
    if request.method == "POST" and form.is_valid():
        try:
            imported = portability.import_into(
                request.user,
                form.cleaned_data["file"],
                use_file_time_zone=form.cleaned_data["use_file_time_zone"],
            )
        except portability.ImportRefused as refused:
            form.add_error("file", str(refused))
    context = {"form": form, "imported": imported, "empty": portability.is_empty(request.user)}
    return answer(request, "account/import.html", "import-form", context, form)
