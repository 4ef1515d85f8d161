# SkillGraph API image: CPU only, everything baked in, no download at run time.
#   docker build -t skillgraph . && docker run -p 8000:8000 -e SKILLGRAPH_API__KEYS=... skillgraph
# It binds 0.0.0.0 inside the container: set API keys (api.keys) before exposing it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SKILLGRAPH_DATA_DIR=/var/lib/skillgraph \
    SKILLGRAPH_API__HOST=0.0.0.0 \
    HF_HUB_OFFLINE=1

WORKDIR /app
RUN useradd --create-home --uid 10001 skillgraph

# The runtime is ONNX only: no torch (that is the train extra), everything from PyPI.
COPY pyproject.toml README.md ./
COPY ontology ontology
COPY skillgraph skillgraph
COPY services services
COPY training training
RUN pip install .

# Export the encoder and encode ESCO at build time, so containers start in about a second.
RUN mkdir -p "$SKILLGRAPH_DATA_DIR" && skillgraph setup && chown -R skillgraph "$SKILLGRAPH_DATA_DIR"

USER skillgraph
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/ready')"
STOPSIGNAL SIGTERM
CMD ["skillgraph", "serve"]
