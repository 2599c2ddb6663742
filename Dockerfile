# The app image used by docker-compose.yml. DATABASE_URL and EVENTSTORE_CONNECTION_STRING
# are always set there, so the embedded PostgreSQL is never started inside the container.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit
COPY tsconfig.json ./
COPY src ./src
COPY ops ./ops
USER node
EXPOSE 3000
CMD ["npm", "start"]
