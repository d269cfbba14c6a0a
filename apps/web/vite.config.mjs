// `npm run build:web` builds the client into apps/web/dist for the server to serve at /. `npx vite apps/web` serves it
// with hot reload and sends the API and socket.io to a server started with `npm start` on :3000.
export default {
  // cytoscape alone is ~450 kB minified; xterm is split off and loaded with the terminal.
  build: { chunkSizeWarningLimit: 700 },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
};
