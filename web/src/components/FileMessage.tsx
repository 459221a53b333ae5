import type { MessageRecord } from '../../../src/store/store.js'
import { fileOf } from '../files-state.js'
import { FileCard } from './FileCard.js'

/** A File message in the list; one whose body cannot be read says so instead. */
export function FileMessage ({ message, mine }: { message: MessageRecord, mine: boolean }) {
  const file = fileOf(message)
  if (file === undefined) return <p class='text deleted'>This file cannot be shown</p>
  return <FileCard file={file} mine={mine} />
}
