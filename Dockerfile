# One image for the worker and the API (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --omit=dev
COPY . .
RUN npx tsx scripts/build-workflow-bundle.ts
USER node
CMD ["npx", "tsx", "src/worker.ts"]
