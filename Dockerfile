# syntax=docker/dockerfile:1
# Production image of cchc: gunicorn (web), Celery worker and beat all run
# from it; docker-compose.yml picks the role (bin/docker-entrypoint).

# Front-end assets from the npm registry, pinned by package-lock.json; the
# devDependencies (axe-core, for the browser tests only) stay out.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cchc.settings \
    CCHC_VAR_DIR=/data/var \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles

# Pango, pangoft2 and HarfBuzz's subsetter: what WeasyPrint's wheels need on
# Debian. Liberation Serif (Times New Roman metrics; version 2 covers
# Vietnamese), Tinos and DejaVu as fallbacks for official documents. gettext
# compiles the translations below; postgresql-client gives manage.py backup
# and restore their pg_dump and pg_restore (15, as the postgres service).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-liberation fonts-liberation2 fonts-croscore fonts-dejavu-core fontconfig \
        gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 cchc \
    && useradd --system --uid 10001 --gid cchc --home-dir /app --shell /usr/sbin/nologin cchc

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

# Only the folders settings.STATICFILES_DIRS serves, not the whole packages.
COPY --from=assets /build/node_modules/bootstrap/dist node_modules/bootstrap/dist
COPY --from=assets /build/node_modules/bootstrap-icons/font node_modules/bootstrap-icons/font
COPY --from=assets /build/node_modules/htmx.org/dist node_modules/htmx.org/dist
COPY --from=assets /build/node_modules/sortablejs node_modules/sortablejs
# The fonts official documents embed (cchc/documents/pdf.py) and the signature stamp uses.
COPY --from=assets /build/node_modules/@expo-google-fonts/tinos node_modules/@expo-google-fonts/tinos
COPY --from=assets /build/node_modules/@fontsource/noto-serif/files node_modules/@fontsource/noto-serif/files

# The source (.dockerignore keeps out .venv, node_modules, var, .env, ...).
COPY . .

# Compile translations where there are any; settings import without a
# SECRET_KEY here because DEBUG defaults on when none is set.
RUN if [ -n "$(find . -path ./node_modules -prune -o -type d -name locale -print -quit)" ]; then \
        python manage.py compilemessages --ignore=node_modules; \
    fi \
    && mkdir -p /data/var /data/media /data/beat /app/staticfiles \
    && chown -R cchc:cchc /data /app/staticfiles

USER cchc
EXPOSE 8000
ENTRYPOINT ["bin/docker-entrypoint"]
CMD ["web"]
