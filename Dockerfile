FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && npm ci && apt-get purge -y python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm run build
ENV PORT=3000
EXPOSE 3000
CMD ["node", "dist/apps/server/src/main.js"]
