/** Whether `hostname` names this device itself, where no other device can reach it. */
export function isLoopbackHost (hostname: string): boolean {
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]' || hostname === '::1'
}
