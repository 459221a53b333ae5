import { describe, expect, it } from 'vitest'
import { ownRelayAddress, relayCandidates, webSocketUrl } from '../../web/src/relay-addresses.js'

const ID = '12D3KooWR2LDAYhPs7CsxSFhYdzAYiti1pwXdx15CDqUBFbi6qgp'
const OTHER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const info = {
  peerId: ID,
  wsPort: 9090,
  wssPort: 9443,
  relays: [{
    peerId: OTHER,
    multiaddrs: [
      `/ip4/127.0.0.1/tcp/9091/ws/p2p/${OTHER}`,
      `/ip4/192.168.1.20/tcp/9091/ws/p2p/${OTHER}`,
      `/ip4/192.168.1.20/tcp/9444/tls/ws/p2p/${OTHER}`
    ]
  }]
}

describe('relay addresses for the app', () => {
  it('uses ws and the ws port for a page served over http', () => {
    expect(ownRelayAddress('192.168.1.10', false, info)).toBe(`/ip4/192.168.1.10/tcp/9090/ws/p2p/${ID}`)
  })

  it('uses wss and the wss port for a page served over https', () => {
    expect(ownRelayAddress('meshbox.local', true, info)).toBe(`/dns4/meshbox.local/tcp/9443/tls/ws/p2p/${ID}`)
    expect(ownRelayAddress('[fd00::2]', true, info)).toBe(`/ip6/fd00::2/tcp/9443/tls/ws/p2p/${ID}`)
  })

  it('offers no own address over https when the relay has no wss port', () => {
    expect(ownRelayAddress('localhost', true, { peerId: ID, wsPort: 9090 })).toBeUndefined()
  })

  it('lists the other relays after the own one, one address each, matching the page\'s scheme', () => {
    expect(relayCandidates('192.168.1.10', false, info)).toEqual([
      { peerId: ID, addr: `/ip4/192.168.1.10/tcp/9090/ws/p2p/${ID}` },
      { peerId: OTHER, addr: `/ip4/192.168.1.20/tcp/9091/ws/p2p/${OTHER}` }
    ])
    expect(relayCandidates('192.168.1.10', true, info)[1]).toEqual({ peerId: OTHER, addr: `/ip4/192.168.1.20/tcp/9444/tls/ws/p2p/${OTHER}` })
  })

  it('keeps another relay\'s loopback address only for a page opened on this machine', () => {
    expect(relayCandidates('localhost', false, info)[1].addr).toBe(`/ip4/127.0.0.1/tcp/9091/ws/p2p/${OTHER}`)
  })

  it('accepts a relay.json from an older relay with no relay list', () => {
    expect(relayCandidates('localhost', false, { peerId: ID, wsPort: 9090 })).toHaveLength(1)
  })

  it('turns WebSocket multiaddrs into URLs', () => {
    expect(webSocketUrl(`/ip4/10.0.0.1/tcp/9443/tls/ws/p2p/${ID}`)).toBe('wss://10.0.0.1:9443')
    expect(webSocketUrl('/ip6/::1/tcp/9090/ws')).toBe('ws://[::1]:9090')
    expect(webSocketUrl('/dns4/relay.example/tcp/443/wss')).toBe('wss://relay.example:443')
    expect(webSocketUrl('/ip4/10.0.0.1/tcp/9090/webrtc-direct')).toBeUndefined()
  })
})
