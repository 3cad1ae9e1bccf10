import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` serves on http://localhost:5173: start Hearth with
// HEARTH_CORS_ORIGINS=http://localhost:5173 (see README.md "Building an SPA on Hearth").
export default defineConfig({
  plugins: [react()],
  server: { host: 'localhost', port: 5173, strictPort: true },
  preview: { host: 'localhost', port: 4173, strictPort: true },
  build: { outDir: 'dist', chunkSizeWarningLimit: 1500 },
});
