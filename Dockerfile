# SkillGraph API image: CPU only, ONNX runtime (no torch), models and index baked in, offline.
#   docker build -t skillgraph . && docker run -p 8000:8000 -e SKILLGRAPH_API__KEYS=KEY skillgraph
#   docker compose up   # the API beside an Oxigraph server for `skillgraph push`
# It is a thin wrapper over the install path the tests exercise: `pip install .[procedure]`
# then `skillgraph setup`. It binds 0.0.0.0 inside the container: set API keys before exposing it.

# --- build: dependencies first (cached while only the code changes), then the code, then the
# --- models and the encoded ESCO index
FROM python:3.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SKILLGRAPH_DATA_DIR=/var/lib/skillgraph \
    HF_HUB_OFFLINE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# The runtime dependencies (and the procedure extra) read from pyproject.toml alone.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['procedure']))" > requirements.txt \
    && pip install --requirement requirements.txt

COPY README.md ./
COPY ontology ontology
COPY skillgraph skillgraph
COPY services services
COPY training training
# pip check: the list read from pyproject is complete; the runtime must not have torch.
RUN pip install --no-deps . \
    && pip check \
    && python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is not None)" \
    && skillgraph setup \
    && mkdir -p "$SKILLGRAPH_DATA_DIR/memory"

# --- runtime: the virtual environment and the data directory, as a non-root user
FROM python:3.11-slim-bookworm AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SKILLGRAPH_DATA_DIR=/var/lib/skillgraph \
    SKILLGRAPH_API__HOST=0.0.0.0 \
    SKILLGRAPH_API__PORT=8000 \
    HF_HUB_OFFLINE=1

RUN useradd --create-home --uid 10001 skillgraph
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=skillgraph /var/lib/skillgraph /var/lib/skillgraph

USER 10001
WORKDIR /home/skillgraph
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('SKILLGRAPH_API__PORT', '8000'), timeout=4)"]
STOPSIGNAL SIGTERM
CMD ["skillgraph", "serve"]
