/**
 * 6. App size from the production build: the shell (what loads before history shows:
 * index.html, the entry script, its static imports, the CSS) and everything in dist/web,
 * each file gzipped at level 9 on its own, as a server would send it.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface SizeResult {
  shellGzipBytes: number
  totalGzipBytes: number
  shellFiles: Array<{ file: string, bytes: number, gzipBytes: number }>
  largestFiles: Array<{ file: string, bytes: number, gzipBytes: number }>
}

async function walk (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...await walk(path))
    else out.push(path)
  }
  return out
}

export async function measureSize (root = 'dist/web'): Promise<SizeResult> {
  const files = await walk(root)
  const sized = await Promise.all(files.map(async path => {
    const bytes = await readFile(path)
    return { file: relative(root, path), bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length }
  }))
  const byName = new Map(sized.map(f => [f.file, f]))
  const html = await readFile(join(root, 'index.html'), 'utf8')
  // The entry script, the chunks it imports statically (modulepreload) and the stylesheets.
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="\/?([^"]+)"[^>]*>/g)]
    .filter(m => /type="module"|rel="modulepreload"|rel="stylesheet"/.test(m[0]))
    .map(m => m[1])
  const shell = ['index.html', ...refs].map(file => byName.get(file)).filter(f => f !== undefined)
  return {
    shellGzipBytes: shell.reduce((a, f) => a + f.gzipBytes, 0),
    totalGzipBytes: sized.reduce((a, f) => a + f.gzipBytes, 0),
    shellFiles: shell,
    largestFiles: [...sized].sort((a, b) => b.gzipBytes - a.gzipBytes).slice(0, 5)
  }
}
