import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'
import type { Plugin, ResolvedConfig } from 'vite'
import { injectManifest, precacheManifest, SERVICE_WORKER_FILE } from './web/src/precache-manifest.js'
import type { BuiltFile } from './web/src/precache-manifest.js'

export default defineConfig({
  root: 'web',
  plugins: [preact(), serviceWorker()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // Browsers without modulepreload only lose the early fetch; the polyfill ran on every start.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{
            // Everything the first screen loads, in one file: many small chunks compress worse than
            // one (each is compressed alone). Screens loaded on demand stay in their own chunks and
            // import from this one, so no module in it may wait at its top level (see main.tsx).
            name: 'shell',
            tags: ['$initial'],
            // The service worker is a classic script of its own: it shares nothing with the app.
            test: id => !/[\\/]web[\\/]src[\\/](service-worker|sw-policy)\.ts$/.test(id)
          }]
        }
      }
    }
  }
})

/**
 * Builds `web/src/service-worker.ts` into `sw.js` and writes into it the list of every file of
 * the build (bundle and public folder) with a version hashed from their contents.
 */
function serviceWorker (): Plugin {
  let config: ResolvedConfig
  return {
    name: 'meshchat-service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved (resolved) { config = resolved },
    buildStart () {
      this.emitFile({ type: 'chunk', id: join(config.root, 'src/service-worker.ts'), fileName: SERVICE_WORKER_FILE })
    },
    generateBundle: {
      order: 'post',
      async handler (_options, bundle) {
        const worker = bundle[SERVICE_WORKER_FILE]
        if (worker?.type !== 'chunk') throw new Error('the service worker was not built')
        // It runs as a classic script: it must not share a chunk with the app.
        if (worker.imports.length > 0 || worker.dynamicImports.length > 0) throw new Error('the service worker must not import shared chunks')
        const files: BuiltFile[] = Object.values(bundle).map(item => ({
          fileName: item.fileName,
          content: item.type === 'chunk' ? item.code : item.source
        }))
        if (config.publicDir !== '') files.push(...await publicFiles(config.publicDir))
        worker.code = injectManifest(worker.code, precacheManifest(files))
      }
    }
  }
}

async function publicFiles (dir: string): Promise<BuiltFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return await Promise.all(entries.filter(e => e.isFile()).map(async e => {
    const path = join(e.parentPath, e.name)
    return { fileName: relative(dir, path).split(sep).join('/'), content: await readFile(path) }
  }))
}
