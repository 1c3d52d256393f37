# Production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

# WeasyPrint needs Pango and HarfBuzz; the PDF font itself ships in static/fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig poppler-utils \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install . && rm -rf build *.egg-info
COPY . .

# collectstatic needs no database or secrets; the manifest storage fingerprints every file.
RUN STATIC_MANIFEST=true SECRET_KEY=build-only python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 cchc && mkdir -p /app/var /srv/cchc/media && chown -R cchc /app/var /srv/cchc
USER cchc

EXPOSE 8000
CMD ["gunicorn", "cchc.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
