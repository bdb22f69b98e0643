"""gzip for the API's text answers, except those that carry a secret.

Django's GZipMiddleware does the work (it skips small bodies, clients that do not accept gzip and
answers already encoded, and adds `Vary: Accept-Encoding`); this keeps it to text (it would gzip a
PNG logo too) and away from static files, which whitenoise serves from the gzip copies
collectstatic made (or, in development, as they are).

An answer that holds a secret next to what the request sent (the consent POST's `write_token`
beside the echoed choice) is left uncompressed: with compression, the size of the answer tells an
observer of the encrypted traffic how much of the secret a guess in the request matched (BREACH).
Django's random padding makes that harder, not impossible; such answers are small, so nothing is
lost. A view marks them with `infra.views.uncompressed`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from whitenoise.middleware import WhiteNoiseFileResponse

from infra.views import UNCOMPRESSED

TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if (
            getattr(response, UNCOMPRESSED, False)
            or isinstance(response, WhiteNoiseFileResponse)
            or not response.get("Content-Type", "").startswith(TEXT_TYPES)
        ):
            return response
        return super().process_response(request, response)
