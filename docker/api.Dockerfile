# The light image: API, migrations and CLI data tools. No torch, no transformers.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY shared shared
COPY services services
COPY migrations migrations
RUN pip install -e .
CMD ["alembic", "upgrade", "head"]
