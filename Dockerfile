# The service's image: every role (bot, api, worker) runs from it, chosen by ROLES.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY . .
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# node with tsx as a loader (not the tsx CLI, which would keep SIGTERM from reaching the service).
CMD ["node", "--import", "tsx", "app/main.ts"]
