# syntax=docker/dockerfile:1
# genesys-usage-agent image: `docker build -t genesys-usage-agent .`
# The same image runs the agent (default) and the simulator (`simulate ...`, see docker-compose.yml).

# Node 24 LTS, the runtime the repo pins through the npm `node` package (24.21.0). Slim: no
# compiler toolchain is needed, every dependency is pure JavaScript.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# ---- build: full dependency tree (TypeScript, the pinned `node` runtime package) and compile ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# Only the agent's sources: bench/ and scripts/ are not part of the image (tsc skips absent inputs).
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies only, compiled output, non-root ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Installed afresh rather than copied from the build stage, whose node_modules holds the dev tools
# (and the `node` runtime package, a second Node binary). Production dependencies need no install
# scripts, so none run.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's unprivileged `node` user, by number: Kubernetes can verify `runAsNonRoot` only for a
# numeric USER (deploy/kubernetes runs as the same uid:gid, scripts/kubernetes/sizing.ts).
USER 1000:1000
EXPOSE 9464 8080
# slim has no curl: probe with Node's own fetch. AGENT_PORT follows the agent's listener setting.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.AGENT_PORT || '9464') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The binary applies its own Node flags (src/runtime/node-flags.ts), as under `npm start`.
ENTRYPOINT ["node", "dist/src/bin.js"]
CMD ["run"]
