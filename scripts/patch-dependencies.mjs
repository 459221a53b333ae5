#!/usr/bin/env node
/**
 * Fixes to installed dependencies, applied after every `npm install` (package.json's
 * "postinstall"). Each fix names the exact text it replaces. When a dependency's version changes
 * and that text is gone, the install stops here, so the fix is looked at again rather than
 * silently lost. Running it twice changes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

const FIXES = [
  {
    file: 'node_modules/@libp2p/webrtc/dist/src/stream.js',
    // @libp2p/webrtc 6.0.33 sends every frame as two data channel messages: the length prefix,
    // then the bytes. That is two SCTP packets, two native sends and two receive events for each
    // gossip message, and on a busy member the sends are a large share of the CPU. Earlier
    // versions sent one message; receivers read the channel as a byte stream, so both work.
    // Checked by tests/integration/webrtc-framing.test.ts.
    from: `            for (const buf of data) {
                this.channel.send(withArrayBuffer(buf));
            }`,
    to: '            this.channel.send(withArrayBuffer(data.subarray()));'
  }
]

for (const fix of FIXES) {
  const path = root + fix.file
  const text = readFileSync(path, 'utf8')
  if (text.includes(fix.to)) continue
  if (!text.includes(fix.from)) {
    console.error(`patch-dependencies: ${fix.file} no longer holds the text this fix replaces (a new version?). Check whether the fix is still needed and update scripts/patch-dependencies.mjs.`)
    process.exit(1)
  }
  writeFileSync(path, text.replace(fix.from, fix.to))
  console.log(`patch-dependencies: fixed ${fix.file}`)
}
