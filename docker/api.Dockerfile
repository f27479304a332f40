# The light image: API, migrations and CLI data tools. No torch, no transformers.
# Exact versions from requirements/api.txt (`make lock`); the project goes in without resolving again.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements/api.txt requirements/api.txt
RUN pip install -r requirements/api.txt
COPY pyproject.toml README.md alembic.ini ./
COPY shared shared
COPY services services
COPY migrations migrations
RUN pip install --no-deps -e .
CMD ["alembic", "upgrade", "head"]
