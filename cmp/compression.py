"""gzip for the API's text answers, except those that carry a secret.

Django's GZipMiddleware does the work (it skips small bodies, clients that do not accept gzip and
answers already encoded, and adds `Vary: Accept-Encoding`). Static files never reach it compressed
or not: whitenoise answers them first, with the gzip copies collectstatic made.

An answer that holds a secret next to what the request sent (the consent POST's `write_token`
beside the echoed choice) is left uncompressed: with compression, the size of the answer tells an
observer of the encrypted traffic how much of the secret a guess in the request matched (BREACH).
Django's random padding makes that harder, not impossible; such answers are small, so nothing is
lost. A view marks them with `infra.views.uncompressed`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

from infra.views import UNCOMPRESSED


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if getattr(response, UNCOMPRESSED, False):
            return response
        return super().process_response(request, response)
