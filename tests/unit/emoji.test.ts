import { describe, expect, it } from 'vitest'
import { EMOJI, EMOJI_COLUMNS, gridMove } from '../../web/src/emoji.js'
import { insertAt } from '../../web/src/text-edit.js'

describe('insertAt', () => {
  it('inserts at the caret and puts the caret after the insertion', () => {
    expect(insertAt('hello world', 5, 5, '😀')).toEqual({ value: 'hello😀 world', caret: 7 })
    expect(insertAt('', 0, 0, '👍')).toEqual({ value: '👍', caret: 2 })
  })

  it('replaces a selection and clamps positions outside the text', () => {
    expect(insertAt('hello world', 6, 11, '🌞')).toEqual({ value: 'hello 🌞', caret: 8 })
    expect(insertAt('abc', 10, 20, '!')).toEqual({ value: 'abc!', caret: 4 })
  })
})

describe('gridMove', () => {
  it('moves by cells and rows and stays inside the grid', () => {
    const n = EMOJI.length
    expect(gridMove(0, 'ArrowLeft', n)).toBe(0)
    expect(gridMove(0, 'ArrowRight', n)).toBe(1)
    expect(gridMove(0, 'ArrowDown', n)).toBe(EMOJI_COLUMNS)
    expect(gridMove(0, 'ArrowUp', n)).toBe(0)
    expect(gridMove(n - 1, 'ArrowRight', n)).toBe(n - 1)
    expect(gridMove(10, 'Home', n)).toBe(8)
    expect(gridMove(10, 'End', n)).toBe(15)
    expect(gridMove(3, 'Enter', n)).toBeNull()
  })

  it('has unique emoji, each with a name', () => {
    expect(new Set(EMOJI.map(e => e.char)).size).toBe(EMOJI.length)
    expect(EMOJI.every(e => e.name.length > 0)).toBe(true)
  })
})
