import { describe, expect, it } from 'vitest'
import { parse } from '../../web/src/routes.js'
import { scannedLinkHash } from '../../web/src/scanned-link.js'

describe('routes', () => {
  it('reads each fragment, and a badly escaped invitation as it is', () => {
    expect(parse('#join=ABCDE-FGHJK')).toEqual({ name: 'home', invitedCode: 'ABCDE-FGHJK' })
    expect(parse('#join=ab%20cd')).toEqual({ name: 'home', invitedCode: 'ab cd' })
    expect(parse('#join=%E0%A4%A')).toEqual({ name: 'home', invitedCode: '%E0%A4%A' })
    expect(parse(`#/room/${'a'.repeat(64)}`)).toEqual({ name: 'room', id: 'a'.repeat(64) })
    expect(parse('#contact=1.x')).toEqual({ name: 'contacts', card: 'contact=1.x' })
    expect(parse('#/contacts')).toEqual({ name: 'contacts', card: null })
    expect(parse('#/anything')).toEqual({ name: 'home', invitedCode: null })
  })

  it('takes from a scanned link only an invitation or a contact link, from any address', () => {
    expect(scannedLinkHash('https://192.168.1.20:8443/#join=ABCDE-FGHJK')).toBe('#join=ABCDE-FGHJK')
    expect(scannedLinkHash(' http://localhost:8080/#contact=1.abc \n')).toBe('#contact=1.abc')
    for (const other of ['https://example.com/', 'https://example.com/#/profile', `https://x/#/room/${'a'.repeat(64)}`, 'ABCDE-FGHJK', '', 'WIFI:S:net;;']) {
      expect(scannedLinkHash(other), other).toBeUndefined()
    }
  })
})
