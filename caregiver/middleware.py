"""Keep a family's data out of browser caches, keep active sessions alive, and say which
browser features the app may use."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
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


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` from settings.PERMISSIONS_POLICY on every response, static files
    and error pages included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class MemberLanguageMiddleware:
    """The language a signed-in member chose on their account page, over the one
    LocaleMiddleware took from the browser; members who have not chosen keep the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = user.language if user is not None and user.is_authenticated else ""
        if chosen and translation.check_for_language(chosen):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)
