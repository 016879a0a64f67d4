import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The mock that `pnpm dev` talks to (start it with `pnpm start` or `pnpm mock`). */
const mock = process.env.KLING_MOCK_URL ?? 'http://127.0.0.1:4010';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    // The contract carries the whole OpenAPI document (examples, code meanings): about 100 kB gzip.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/files', '/proxy', '/__playground', '/__admin', '/reference'].map((path) => [path, mock]),
    ),
  },
});
