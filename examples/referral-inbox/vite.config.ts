import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Development only: `npm run dev` and `npm run preview` answer /demo-users.json from
 * .demo-users.json (written by `npm run demo-users` from `hearth seed-demo`'s output, gitignored),
 * so that the sign-in screen offers the demo users. A build never contains it.
 */
function demoUsers(): Plugin {
  const file = path.resolve(import.meta.dirname, '.demo-users.json');
  const answer = (request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (request.url?.split('?')[0] !== '/demo-users.json' || !fs.existsSync(file)) return next();
    response.setHeader('Content-Type', 'application/json');
    response.setHeader('Cache-Control', 'no-store');
    response.end(fs.readFileSync(file));
  };
  return {
    name: 'hearth-demo-users',
    configureServer: (server) => void server.middlewares.use(answer),
    configurePreviewServer: (server) => void server.middlewares.use(answer),
  };
}

// `npm run dev` serves on http://localhost:5173 and `npm run preview` on http://localhost:4173:
// start Hearth with HEARTH_CORS_ORIGINS naming them (README.md "Building an SPA on Hearth").
export default defineConfig({
  plugins: [react(), demoUsers()],
  server: { host: 'localhost', port: 5173, strictPort: true },
  preview: { host: 'localhost', port: 4173, strictPort: true },
  build: { outDir: 'dist', chunkSizeWarningLimit: 1500 },
});
