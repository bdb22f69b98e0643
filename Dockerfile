# One image for every role of the service: web (gunicorn), worker and beat (celery), migrate; the
# `scanner` target adds Debian's chromium for the cookie scanner's worker.
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CMP_STATIC_ROOT=/app/staticfiles \
    CMP_STATIC_USE_FINDERS=0 \
    CMP_BEAT_SCHEDULE_FILE=/var/lib/cmp/celerybeat-schedule

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings to load; it touches no database or secret.
RUN DEBUG=1 python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home /app cmp \
    && mkdir -p /var/lib/cmp /var/lib/cmp-seals && chown cmp /var/lib/cmp /var/lib/cmp-seals

USER cmp
EXPOSE 8000
CMD ["gunicorn", "cmp.wsgi:application", "--bind", "0.0.0.0:8000"]

FROM app AS scanner
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*
USER cmp
