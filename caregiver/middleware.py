"""Keep a family's data out of browser caches and keep active sessions alive."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

_REFRESH_AFTER = 24 * 60 * 60
_REFRESH_KEY = "_refreshed"


class PrivateDataMiddleware:
    """For signed-in users: `Cache-Control: no-store` on every page (health data must not sit
    in a shared or back-button cache), and a sliding session that is re-saved at most once a
    day rather than on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            now = int(time.time())
            if now - request.session.get(_REFRESH_KEY, 0) > _REFRESH_AFTER:
                request.session[_REFRESH_KEY] = now
        return response
