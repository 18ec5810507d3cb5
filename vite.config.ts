// Vite for the web app: sources in web/, output in web/dist (served by the API server),
// `npm run dev:web` serves it with hot reload on :5173, `/api` proxied to a locally running
// `npm run dev` server on PORT (default 8080, as the server's). `@shared` is the code the web
// shares with the server and the seeds (api/shared: code lists, roles and permissions, the
// procedure state machine, ID-number checks, masking); `@` is web/src.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.resolve(root, 'web'),
  plugins: [vue()],
  resolve: {
    alias: { '@shared': path.resolve(root, 'api/shared'), '@': path.resolve(root, 'web/src') },
  },
  build: {
    outDir: path.resolve(root, 'web/dist'),
    emptyOutDir: true,
    // MapLibre (~1 MB), ECharts and Element Plus are big by nature; they get their own chunks below.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ },
            // ECharts (decision 0032): only what components/stats/echarts.ts registers, in a chunk of its own.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus)/ },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|vue-i18n|@intlify|pinia)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: `http://localhost:${process.env.PORT || 8080}`, changeOrigin: false },
      '/tiles': { target: `http://localhost:${process.env.PORT || 8080}`, changeOrigin: false },
    },
  },
});
