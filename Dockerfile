FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ingest ingest
COPY alerts alerts
COPY newswatch newswatch
RUN pip install --no-cache-dir . && useradd --create-home newswatch
USER newswatch
ENV NEWSWATCH_CONFIG=/config/config.toml
# `run` applies migrations before it starts polling.
CMD ["newswatch", "run"]
