# The survgraph API: GraphQL at /graphql, maps at /, health at /healthz and /readyz.
# docker-compose.yml runs it against Neo4j (SURVGRAPH_STORE=bolt://neo4j:7687); alone, it uses
# the embedded store in the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SURVGRAPH_STORE=/data/survgraph.db

WORKDIR /app
COPY pyproject.toml README.md requirements-runtime.lock ./
COPY schema ./schema
COPY graph_service ./graph_service
COPY loaders ./loaders
COPY visualizations ./visualizations
# The tested versions from the lock (hashes checked), then the package without resolving again.
RUN pip install --require-hashes -r requirements-runtime.lock && pip install --no-deps . \
    && useradd --create-home --uid 10001 survgraph \
    && mkdir -p /data && chown survgraph /data

USER survgraph
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
# 0.0.0.0 inside the container only; publish the port on the host's loopback (see compose).
CMD ["survgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
