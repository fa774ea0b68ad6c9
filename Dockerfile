# Production image: gunicorn (web), celery (worker, beat). Configured only by environment variables.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint needs Pango; fonts-dejavu gives the PDF local fonts; poppler-utils for PDF checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
       postgresql-client curl \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 boussole
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput \
    && mkdir -p /app/data && chown -R boussole /app/data
USER boussole

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn"]
