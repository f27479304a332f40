# Translation workers (and the training worker later): torch + transformers.
# TORCH_INDEX_URL picks the torch build: a CPU wheel index by default in your mirror, or a CUDA one.
FROM python:3.11-slim
ARG TORCH_INDEX_URL=""
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 HF_HOME=/models
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY shared shared
COPY services services
COPY migrations migrations
RUN if [ -n "$TORCH_INDEX_URL" ]; then pip install torch==2.13.0 --index-url "$TORCH_INDEX_URL"; fi \
 && pip install -e ".[augment,train,ops]"
CMD ["celery", "-A", "services.augment.worker", "worker", "-Q", "augment.en", "-c", "1"]
