# The app image used by docker-compose.yml. DATABASE_URL and EVENTSTORE_CONNECTION_STRING
# are always set there, so the embedded PostgreSQL is never started inside the container.
# Node 26 is the current (active) LTS line; package.json's engines still allows 20.19+.

# Build: all dependencies, `npm ci` runs `prepare` (tsc into dist/), then drop the dev ones.
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY ops ./ops
RUN npm ci --no-fund --no-audit && npm prune --omit=dev --no-fund --no-audit

# Run: compiled JavaScript and production dependencies only; no TypeScript, no tsx.
FROM node:26-trixie-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The customer portal's static files, served from the repository root (src/api/portal-static.ts).
COPY portal ./portal
# `npm run ops` checks dist/ against the sources first; with none in the image it runs dist/.
COPY scripts ./scripts
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
