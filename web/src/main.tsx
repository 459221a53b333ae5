import { render } from 'preact'
import { App } from './components/App.js'
import { boot, network, notice } from './state.js'
import './styles.css'

const root = document.getElementById('app')!

const client = await boot()
render(<App />, root)

// The network comes after the first paint of rooms and history: it is most of the download.
requestIdleCallback(() => {
  import('./network.js')
    .then(async ({ connect }) => { await connect(client) })
    .catch((err: Error) => {
      network.value = 'offline'
      notice.value = `Could not reach the relay (${err.message}). Your messages are kept and will be sent when it is back.`
    })
}, { timeout: 500 })
