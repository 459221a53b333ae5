import { storageFault, storageMode } from '../state.js'

/** Where history is kept, for the profile page: persistent, may be cleared, or not saved. */
export function StorageStatus () {
  return (
    <div class='card storage-status'>
      <h2>On this device</h2>
      <p class={`storage ${storageMode.value}`}>{storageLabel()}</p>
      <p class='hint'>{storageHint()}</p>
    </div>
  )
}

/** A storage write failed: said once, out of the way, until storage works again or it is dismissed. */
export function StorageFaultNotice () {
  if (storageFault.value === null) return null
  return (
    <div class='notice storage-fault' role='status'>
      <p>{storageFault.value}</p>
      <button type='button' class='subtle' onClick={() => { storageFault.value = null }}>Dismiss</button>
    </div>
  )
}

function storageLabel (): string {
  switch (storageMode.value) {
    case 'persistent': return 'Storage: persistent'
    case 'best-effort': return 'Storage: not persistent'
    case 'memory': return 'Storage: nothing is saved'
    case 'unknown': return 'Storage: in this browser'
  }
}

function storageHint (): string {
  switch (storageMode.value) {
    case 'persistent': return 'Your rooms and messages are kept in this browser, which will not clear them to make room.'
    case 'best-effort': return 'Your rooms and messages are kept in this browser, but it may clear them when the device runs low on space. Installing the app usually prevents that.'
    case 'memory': return 'This browser does not let the app save anything (private browsing?): closing the page loses your rooms and messages.'
    case 'unknown': return 'Your rooms and messages are kept in this browser.'
  }
}
