"""Django's 404 for a URL that matches no route: JSON under the APIs, the page elsewhere.

A path the router cannot match (``/api/v1/households/-1/energy``, a meter id with a slash)
never reaches DRF, whose handler gives every other error its one shape.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found

from core.api.exception_handler import error_body

# The native API and the JOI-compatible paths (config/urls.py).
API_PATH_PREFIXES = ("/api/", "/readings/", "/price-plans/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PATH_PREFIXES):
        return JsonResponse(error_body("not_found", "Not found."), status=404)
    return page_not_found(request, exception or Exception())
