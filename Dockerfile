# The escalation engine's image: one image, several roles (worker, API, codec server, one-shot set-up),
# chosen by the command. Build: docker build -t escalation-engine:0.1.0 .
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A non-root user owning only the state directories (named volumes copy this ownership on first use).
RUN groupadd --system --gid 10001 escalation \
    && useradd --system --uid 10001 --gid escalation --home-dir /var/lib/escalation --shell /usr/sbin/nologin escalation \
    && mkdir -p /var/lib/escalation/data /var/lib/escalation/keys /var/lib/escalation/secrets \
    && chown -R escalation:escalation /var/lib/escalation \
    && chmod 0700 /var/lib/escalation/keys /var/lib/escalation/secrets

WORKDIR /src
# The build context is the repository less .dockerignore; pyproject.toml decides which packages install.
COPY . .
# Every dependency is pinned in pyproject.toml; the sources are not needed once installed.
RUN pip install . && rm -rf /src

WORKDIR /var/lib/escalation
USER escalation
ENV ESCALATION_DATA_DIR=/var/lib/escalation/data

# Workers and the API stop gracefully on SIGTERM: in-flight activities get up to 10 s to finish, anything
# left is retried by Temporal on another worker. Give containers a stop grace period longer than that.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "workers.main"]
