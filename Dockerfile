# Production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    SMARTRIX_VAR_DIR=/app/var

WORKDIR /app
COPY requirements/base.lock requirements/base.lock
RUN pip install --no-cache-dir uv==0.13.9 \
    && uv pip install --system --no-cache -r requirements/base.lock
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app smartrix && chown -R smartrix /app/var
USER smartrix
EXPOSE 8020
CMD ["gunicorn", "-c", "python:config.gunicorn", "config.wsgi", "--bind", "0.0.0.0:8020", "--workers", "4", "--threads", "4"]
