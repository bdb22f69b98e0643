"""The admin in the staff member's language (their browser's Accept-Language, or the language
cookie), through Django's LocaleMiddleware.

Only the admin: on the public API it would add `Vary: Accept-Language` to the banner documents,
which would split every CDN copy by browser language, and cost the consent POST a language lookup
it does not use (the banner says its language in the body).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware


class AdminLocaleMiddleware(LocaleMiddleware):
    prefix = "/admin/"

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(self.prefix):
            super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path.startswith(self.prefix):
            return super().process_response(request, response)
        return response
