# syntax=docker/dockerfile:1
# The Firebreak image: the packed release (what `npm pack` ships), installed with production
# dependencies only by scripts/install-release.sh, the same script test/e2e/packed-release.test.ts
# runs, so that test stands for this image where no Docker engine is at hand.
#   docker build -t firebreak .
#   docker run --env-file .env -p 3000:3000 -v firebreak-data:/data firebreak
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No dependency of Firebreak has an install script; --ignore-scripts keeps `prepare` (the build)
# from running before the sources are copied in.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
# `npm pack` runs `prepare`, which builds dist/ and the embedded database's cluster template.
RUN mkdir /release \
 && npm pack --pack-destination /release \
 && cp package-lock.json scripts/install-release.sh /release/

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="Firebreak" \
      org.opencontainers.image.description="Incident-response ChatOps for Slack: pages become incident channels, playbook steps run behind approvals, the timeline becomes the post-mortem." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.base.name="docker.io/library/node:20-bookworm-slim"
# tini as PID 1 forwards SIGTERM to Firebreak (which then drains and exits 0) and reaps zombies;
# node as PID 1 would ignore the default SIGTERM disposition.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /release /release
RUN sh /release/install-release.sh /release/firebreak-*.tgz /release/package-lock.json /app \
 && rm -rf /release /root/.npm \
 && mkdir /data && chown 1000:1000 /data
ENV NODE_ENV=production \
    PORT=3000 \
    FIREBREAK_DATA_DIR=/data
# The embedded database lives here; with DATABASE_URL set, nothing is written to it.
VOLUME ["/data"]
WORKDIR /app
# The base image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000
# The slim image has no curl; Node 20 has fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/firebreak.js"]
CMD ["serve"]
