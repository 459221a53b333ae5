/**
 * System notifications for messages that arrive while the page is hidden. One notification per
 * room at a time (tagged by room), so a burst does not pile up.
 */

function supported (): boolean {
  return typeof Notification !== 'undefined'
}

export function notificationsAllowed (): boolean {
  return supported() && Notification.permission === 'granted'
}

/** The user has neither allowed nor refused notifications yet. */
export function notificationsUndecided (): boolean {
  return supported() && Notification.permission === 'default'
}

/** Shows a notification; clicking it focuses the app and runs `onClick`. */
export function showNotification (title: string, body: string, tag: string, onClick: () => void): void {
  if (!notificationsAllowed()) return
  try {
    const n = new Notification(title, { body, tag, icon: '/icon.svg' })
    n.onclick = () => {
      focus()
      onClick()
      n.close()
    }
  } catch {
    // Some mobile browsers only allow notifications from a service worker; the title still counts.
  }
}
