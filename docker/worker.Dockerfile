# Translation and training workers: torch + transformers, exact versions from requirements/worker.txt.
# TORCH_INDEX_URL picks the torch build (a CPU or CUDA wheel index in your mirror); empty: the
# locked torch from the default index.
FROM python:3.11-slim
ARG TORCH_INDEX_URL=""
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 HF_HOME=/models
WORKDIR /app
COPY requirements/worker.txt requirements/worker.txt
RUN if [ -n "$TORCH_INDEX_URL" ]; then \
      pip install "$(grep '^torch==' requirements/worker.txt)" --index-url "$TORCH_INDEX_URL"; \
    fi \
 && pip install -r requirements/worker.txt
COPY pyproject.toml README.md alembic.ini ./
COPY shared shared
COPY services services
COPY migrations migrations
RUN pip install --no-deps -e .
CMD ["celery", "-A", "services.augment.worker.app", "worker", "-Q", "augment.en", "-c", "1"]
