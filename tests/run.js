#!/usr/bin/env node
/**
 * `npm test`: makes sure what the tests need is here (Debian's Chromium for the end-to-end
 * level, the built app), then runs the unit, integration and end-to-end levels in turn and
 * prints one closing line: "N passed, N failed".
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureChromium } from '../scripts/ensure-chromium.mjs'

const levels = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['unit', 'integration', 'e2e']

const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  console.error(`Node ${process.versions.node} is too old (libp2p needs >= 22). Run the tests with \`npm test\`, which uses the Node that \`npm install\` put in node_modules.`)
  process.exit(1)
}

if (levels.includes('e2e')) {
  const missing = ensureChromium()
  if (missing !== undefined) {
    console.error(missing)
    process.exit(1)
  }
  console.log('Building the app for the end-to-end tests…')
  run('vite', ['build', '--logLevel', 'warn'])
}

mkdirSync('test-results', { recursive: true })
let passed = 0
let failed = 0
for (const level of levels) {
  console.log(`\n=== ${level} tests ===`)
  const report = join('test-results', `${level}.json`)
  const args = ['run', `tests/${level}`, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]
  // The network levels share one relay process per file and real WebRTC: one file at a time.
  if (level !== 'unit') args.push('--no-file-parallelism')
  const status = run('vitest', args, false)
  if (existsSync(report)) {
    const result = JSON.parse(readFileSync(report, 'utf8'))
    passed += result.numPassedTests
    failed += result.numFailedTests + (status !== 0 && result.numFailedTests === 0 ? 1 : 0)
  } else {
    failed += 1
  }
}
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)

function run (bin, args, throwOnError = true) {
  const result = spawnSync(join('node_modules', '.bin', bin), args, { stdio: 'inherit' })
  if (throwOnError && result.status !== 0) {
    console.error(`${bin} ${args.join(' ')} failed`)
    process.exit(1)
  }
  return result.status ?? 1
}
