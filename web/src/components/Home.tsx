import { useEffect, useRef, useState } from 'preact/hooks'
import { createRoom, displayName, joinRoom, rooms, setDisplayName } from '../state.js'
import { RestoreCard } from './RestoreCard.js'
import { ScanQrButton } from './ScanQrButton.js'
import { navigate } from '../router.js'

/** Start screen: who you are, a new room, or joining one with a code. */
export function Home ({ invitedCode }: { invitedCode: string | null }) {
  const [name, setName] = useState(displayName.value)
  const [code, setCode] = useState(invitedCode ?? '')
  const [nameError, setNameError] = useState<string | null>(null)
  const [codeError, setCodeError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const nameInput = useRef<HTMLInputElement>(null)
  const codeInput = useRef<HTMLInputElement>(null)

  // Someone opening an invitation has one thing to do: say who they are. The cursor waits in the
  // name field, and Enter there joins (the field belongs to the join form too, see below).
  useEffect(() => {
    if (invitedCode !== null && name === '') nameInput.current?.focus()
  }, [invitedCode])

  /** Saves the name if needed; false (with the field focused) when there is none. */
  const ensureName = async (): Promise<boolean> => {
    if (name.trim() === '') {
      setNameError('Pick a display name first: it is how others see you.')
      nameInput.current?.focus()
      return false
    }
    setNameError(null)
    if (name.trim() !== displayName.value) await setDisplayName(name)
    setName(displayName.value)
    return true
  }

  const onCreate = async (): Promise<void> => {
    if (busy || !await ensureName()) return
    setBusy(true)
    try {
      const room = await createRoom()
      navigate({ name: 'room', id: room.id })
    } finally {
      setBusy(false)
    }
  }

  const onJoin = async (event: Event): Promise<void> => {
    event.preventDefault()
    if (busy || !await ensureName()) return
    setBusy(true)
    try {
      const room = await joinRoom(code)
      setCodeError(null)
      navigate({ name: 'room', id: room.id })
    } catch (err) {
      setCodeError((err as Error).name === 'InvalidRoomCodeError' ? (err as Error).message : `Could not join: ${(err as Error).message}`)
      codeInput.current?.focus()
    } finally {
      setBusy(false)
    }
  }

  const startCard = (
    <div class='card'>
      <h2>{invitedCode === null ? 'Start a room' : 'Or start your own room'}</h2>
      <p>You get a code to share with the people you want in it.</p>
      <button type='button' class={invitedCode === null ? 'primary' : ''} disabled={busy}
        onClick={() => { void onCreate() }}>Create room</button>
    </div>
  )

  return (
    <section class='home' aria-labelledby='home-title'>
      <h1 id='home-title'>{invitedCode !== null ? 'You are invited to a room' : 'Chat with no one in the middle'}</h1>
      <p class='lead'>
        Messages go straight between the people in a room, encrypted end to end, and stay on your devices.
      </p>

      <div class='card'>
        <label for='display-name'>Display name</label>
        <input id='display-name' ref={nameInput} type='text' autoComplete='nickname' maxLength={40}
          form={invitedCode !== null ? 'join-form' : undefined}
          value={name} placeholder='How others see you'
          aria-invalid={nameError !== null} aria-describedby={nameError !== null ? 'name-error' : undefined}
          onInput={e => { setName(e.currentTarget.value) }}
          onBlur={() => { if (name.trim() !== '' && name.trim() !== displayName.value) void setDisplayName(name) }} />
        {nameError !== null && <p id='name-error' class='error' role='alert'>{nameError}</p>}
      </div>

      <div class='choices'>
        {invitedCode === null && startCard}
        <form id='join-form' class='card' onSubmit={e => { void onJoin(e) }} noValidate>
          <h2>Join a room</h2>
          <label for='join-code'>Room code</label>
          <input id='join-code' ref={codeInput} type='text' autoComplete='off' autoCapitalize='characters'
            spellcheck={false} value={code} placeholder='XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX'
            aria-invalid={codeError !== null} aria-describedby={codeError !== null ? 'code-error' : 'code-hint'}
            onInput={e => { setCode(e.currentTarget.value); setCodeError(null) }} />
          {codeError !== null
            ? <p id='code-error' class='error' role='alert'>{codeError}</p>
            : <p id='code-hint' class='hint'>Case, spaces and dashes do not matter.</p>}
          <button type='submit' class={invitedCode !== null ? 'primary' : ''} disabled={busy}>Join</button>
          {invitedCode === null && <ScanQrButton />}
        </form>
        {invitedCode !== null && startCard}
      </div>
      {invitedCode === null && <RestoreCard replacing={rooms.value.length > 0 || displayName.value !== ''} />}
    </section>
  )
}
