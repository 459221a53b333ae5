import { useState } from 'preact/hooks'
import { AVATAR_COLOURS } from '../../../src/identity/avatar-colours.js'
import { avatarColour, setAvatarColour } from '../profile-colour.js'
import './ColourPicker.css'

/**
 * The avatar colour, chosen from a small palette (every colour keeps white initials readable).
 * A radio group: arrow keys move between colours, and the choice applies at once.
 */
export function ColourPicker () {
  const [error, setError] = useState<string | null>(null)
  const pick = (colour: number): void => {
    setAvatarColour(colour).then(() => { setError(null) }, (err: Error) => { setError(`Not saved: ${err.message}`) })
  }
  const options = [{ name: 'Automatic', css: '' }, ...AVATAR_COLOURS]
  return (
    <fieldset class='colour-picker'>
      <legend>Avatar colour</legend>
      <div class='swatches'>
        {options.map((option, colour) => (
          <label key={colour} class='swatch' title={option.name}
            style={option.css === '' ? undefined : { background: option.css }}>
            <input type='radio' name='avatar-colour' value={colour} checked={avatarColour.value === colour}
              aria-label={option.name} onChange={() => { pick(colour) }} />
            {option.css === '' && <span aria-hidden='true'>A</span>}
          </label>
        ))}
      </div>
      <p class='hint'>Others see it next to your name. Automatic picks one from your key.</p>
      {error !== null && <p class='error' role='alert'>{error}</p>}
    </fieldset>
  )
}
