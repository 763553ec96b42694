FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango; gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . \
    && SECRET_KEY=build python manage.py collectstatic --noinput -v0 \
    && SECRET_KEY=build python manage.py compilemessages -v0
RUN useradd --system --create-home sutohamu
USER sutohamu
EXPOSE 8000
CMD ["gunicorn", "sutohamu.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--max-requests", "500", "--max-requests-jitter", "50"]
