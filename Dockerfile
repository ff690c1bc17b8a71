FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ingest ingest
COPY alerts alerts
COPY newswatch newswatch
RUN pip install --no-cache-dir . \
    && useradd --create-home newswatch \
    && mkdir /data && chown newswatch:newswatch /data
USER newswatch
# The default SQLite database (sqlite:///newswatch.db) is created in the working
# directory: /data, a volume, so it outlives the container.
WORKDIR /data
VOLUME /data
ENV NEWSWATCH_CONFIG=/config/config.toml \
    NEWSWATCH_WEB_LISTEN=127.0.0.1:8080
EXPOSE 8080
# No curl in the image: the daemon's own client asks its /healthz.
HEALTHCHECK --interval=30s --timeout=15s --start-period=120s --retries=3 \
    CMD ["newswatch", "healthcheck"]
# `run` applies migrations before it starts polling; SIGHUP reloads the config.
CMD ["newswatch", "run"]
