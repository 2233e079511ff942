// Vite build of the ecity console. The output in web/dist is served as-is by `ecity serve`
// (ECITY_SERVER_WEB_ROOT), which prefers a `.gz` sibling when the browser accepts gzip;
// so the build writes those siblings itself and the server never compresses at run time.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import zlib from 'node:zlib'

const gzip = promisify(zlib.gzip)
const kCompressible = /\.(js|mjs|css|html|svg|json)$/i
const kMinBytes = 256 // below this a gzip member costs more than it saves

// Writes `<file>.gz` beside every compressible asset once the bundle is on disk.
function precompress() {
  let outDir = 'dist'
  return {
    name: 'ecity-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir)
    },
    async closeBundle() {
      const walk = async (dir) => {
        const out = []
        for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name)
          if (entry.isDirectory()) out.push(...(await walk(full)))
          else if (kCompressible.test(entry.name)) out.push(full)
        }
        return out
      }
      for (const file of await walk(outDir)) {
        const data = await fs.readFile(file)
        if (data.length < kMinBytes) continue
        const packed = await gzip(data, { level: zlib.constants.Z_BEST_COMPRESSION })
        if (packed.length < data.length) await fs.writeFile(file + '.gz', packed)
      }
    },
  }
}

export default defineConfig({
  plugins: [vue(), precompress()],
  base: '/',
  // vue-i18n feature flags: Composition API only, no devtools hooks in production.
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Element Plus is imported whole; its chunk is large but cached across releases.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
      '/readyz': { target: 'http://127.0.0.1:8080' },
    },
  },
})
