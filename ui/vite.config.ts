import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

// `npm run dev` proxies the API to a local `tether server` (its default port), so the page and the
// API share one origin exactly as in production and the session cookie works unchanged.
const server = process.env.TETHER_DEV_SERVER ?? 'http://127.0.0.1:5050'

export default defineConfig({
  plugins: [react()],
  build: {
    // Straight into the Python package, which serves it (see src/tether/server/ui.py).
    outDir: '../src/tether/server/ui_dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': server, '/health': server },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    css: false,
  },
})
