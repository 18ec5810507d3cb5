// Vite for the web app: sources in web/, output in web/dist (served by the API server),
// `npm run dev:web` serves it with hot reload on :5173, `/api` proxied to a locally running
// `npm run dev` server on PORT (default 8080, as the server's). `@shared` is the code the web
// shares with the server and the seeds (api/shared: code lists, roles and permissions, the
// procedure state machine, ID-number checks, masking); `@` is web/src.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Brotli and gzip copies of the built assets (.br, .gz beside each file), written once at build
 * time with Node's zlib: the server sends them to browsers that accept them (serveStatic's
 * `precompressed`, api/app.ts), so a tablet on a slow line downloads ≈ a quarter of the bytes and
 * the server compresses nothing per request.
 */
function precompress(): Plugin {
  return {
    name: 'dripline-precompress',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir ?? path.resolve(root, 'web/dist');
      const walk = (d: string): string[] =>
        fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
      for (const file of walk(dir)) {
        if (!/\.(js|mjs|css|svg|json|webmanifest)$/.test(file)) continue;
        const body = fs.readFileSync(file);
        if (body.byteLength < 1024) continue;
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 10 } }));
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: path.resolve(root, 'web'),
  plugins: [vue(), precompress()],
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
