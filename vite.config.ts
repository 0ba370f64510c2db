import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        // A bare page that exposes the engine to Playwright and the benchmark (no UI).
        harness: resolve(import.meta.dirname, 'e2e/harness.html'),
      },
    },
  },
  preview: { host: '127.0.0.1' },
});
