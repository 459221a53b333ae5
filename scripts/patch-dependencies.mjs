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

/**
 * The fix for a transport that sends each frame as several messages, one per chunk of the frame
 * (its length prefix, then its bytes): one send of the whole frame. `sender` is what the transport
 * sends on (`this.channel`), `indent` the loop's indentation in the file.
 */
function oneSendPerFrame ({ name, file, sender, indent }) {
  const pad = ' '.repeat(indent)
  return {
    name,
    file,
    edits: [{
      from: `${pad}for (const buf of data) {\n${pad}    ${sender}.send(withArrayBuffer(buf));\n${pad}}`,
      to: `${pad}${sender}.send(withArrayBuffer(data.subarray()));`
    }]
  }
}

const FIXES = [
  // @libp2p/webrtc 6.0.33 sends every frame as two data channel messages: the length prefix,
  // then the bytes. That is two SCTP packets, two native sends and two receive events for each
  // gossip message, and on a busy member the sends are a large share of the CPU. Earlier
  // versions sent one message; receivers read the channel as a byte stream, so both work.
  // Checked by tests/integration/webrtc-framing.test.ts.
  oneSendPerFrame({ name: 'one data channel message per frame', file: 'node_modules/@libp2p/webrtc/dist/src/stream.js', sender: 'this.channel', indent: 12 }),
  // The same for WebSockets (@libp2p/websockets 10.1.21): every noise frame went out as two
  // WebSocket messages, its 2-byte length and then its bytes. That is two sends on the page's
  // main thread and two messages for the relay to handle, for each frame to the relay and each
  // frame it relays (the WebRTC signalling of every join). Receivers read a byte stream.
  // Checked by tests/integration/websocket-framing.test.ts.
  oneSendPerFrame({ name: 'one WebSocket message per frame', file: 'node_modules/@libp2p/websockets/dist/src/websocket-to-conn.js', sender: 'this.websocket', indent: 8 }),
  {
    name: "the dialler's ICE candidates wait for the answer",
    file: 'node_modules/@libp2p/webrtc/dist/src/private-to-private/initiate-connection.js',
    // @libp2p/webrtc sends the dialler's ICE candidates as soon as they are gathered, before the
    // answer has come back. The answering side then starts its connectivity checks against a
    // dialler that has no answer yet; those checks go unanswered, and the connection waits for a
    // retransmission, about 1 s. Two node-datachannel peers on loopback, signalling in this
    // order: 11 of 60 connections took 1 s; with the candidates held until the answer is applied,
    // 0 of 60. Holding them costs at most half a round trip. Checked by
    // tests/integration/webrtc-connect.test.ts.
    edits: [{
      from: `        const channel = peerConnection.createDataChannel('init');
        // setup callback to write ICE candidates to the remote peer
        peerConnection.onicecandidate = ({ candidate }) => {`,
      to: `        const channel = peerConnection.createDataChannel('init');
        // Our candidates wait until the answer is applied (scripts/patch-dependencies.mjs).
        const heldCandidates = [];
        let answerApplied = false;
        peerConnection.onicecandidate = (event) => {
            if (answerApplied) sendCandidate(event);
            else heldCandidates.push(event);
        };
        // setup callback to write ICE candidates to the remote peer
        const sendCandidate = ({ candidate }) => {`
    }, {
      from: `            throw new SDPHandshakeFailedError('Failed to set remoteDescription');
        });
        log.trace('initiator read candidates until connected');`,
      to: `            throw new SDPHandshakeFailedError('Failed to set remoteDescription');
        });
        answerApplied = true;
        heldCandidates.splice(0).forEach(sendCandidate);
        log.trace('initiator read candidates until connected');`
    }]
  },
  {
    name: "the dialler does not wait for an init channel the answering side has closed",
    file: 'node_modules/@libp2p/webrtc/dist/src/private-to-private/initiate-connection.js',
    // The dialler creates a data channel named "init" only so that there is something to
    // negotiate, and closes it once connected. The answering side closes it too, as soon as its
    // own side of the connection is up, which can be before the dialler's is. @libp2p/webrtc
    // 6.0.33 then waits for the closed channel to open, which never happens: the dial fails on
    // its timeout, about 5 s later, and a member joining a room waited for the next discovery
    // round. 5 of 44 joins from Chromium to a Node member took 7-8 s; 0 of 20 with the fix.
    // Checked by tests/integration/webrtc-connect.test.ts.
    edits: [{
      from: `        if (channel.readyState !== 'open') {
            log.trace('wait for init channel to open');
            await pEvent(channel, 'open', {
                signal
            });
        }
        log.trace('closing init channel');
        channel.close();
        // wait for init channel to close before proceeding, otherwise the channel
        // id can be reused before both sides have seen the channel close
        log.trace('waiting for init channel to close');
        await pEvent(channel, 'close', {
            signal
        });`,
      to: `        // The answering side may have closed the init channel already (scripts/patch-dependencies.mjs).
        if (channel.readyState === 'connecting') {
            log.trace('wait for init channel to open');
            await pEvent(channel, ['open', 'close'], {
                signal
            });
        }
        if (channel.readyState === 'open') {
            log.trace('closing init channel');
            channel.close();
        }
        // wait for init channel to close before proceeding, otherwise the channel
        // id can be reused before both sides have seen the channel close
        if (channel.readyState !== 'closed') {
            log.trace('waiting for init channel to close');
            await pEvent(channel, 'close', {
                signal
            });
        }`
    }]
  }
]

for (const fix of FIXES) {
  const path = root + fix.file
  let text = readFileSync(path, 'utf8')
  const todo = fix.edits.filter(edit => !text.includes(edit.to))
  if (todo.length === 0) continue
  for (const edit of todo) {
    if (!text.includes(edit.from)) {
      console.error(`patch-dependencies: ${fix.file} no longer holds the text the fix "${fix.name}" replaces (a new version?). Check whether the fix is still needed and update scripts/patch-dependencies.mjs.`)
      process.exit(1)
    }
    text = text.replace(edit.from, edit.to)
  }
  writeFileSync(path, text)
  console.log(`patch-dependencies: ${fix.name} (${fix.file})`)
}
