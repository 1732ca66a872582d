# Smart Sync service image. Temporal runs elsewhere (TEMPORAL_ADDRESS), so the image
# carries no Temporal CLI. glibc (bookworm), not Alpine: the Temporal SDK's native core
# has no musl build.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
# The settings database lives on the /data volume; the unprivileged user must own it.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "dist/cli/smart-sync.js", "start"]
