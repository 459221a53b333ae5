/**
 * Line icons, drawn in the text's colour. Controls use these rather than emoji or symbol
 * characters, which some devices have no font for (they show as empty boxes there). Each is
 * decoration: the control that holds it carries the label.
 */
const PATHS = {
  attach: 'M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48',
  reply: 'M9 15L3 9l6-6M3 9h11a7 7 0 0 1 7 7v4',
  smile: 'M22 12a10 10 0 1 1-20 0a10 10 0 1 1 20 0M8 14.5s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01',
  edit: 'M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4zM14 6l3 3',
  trash: 'M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6M10 11v5M14 11v5',
  file: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6'
} as const

export type IconName = keyof typeof PATHS

export function Icon ({ name, size = 18 }: { name: IconName, size?: number }) {
  return (
    <svg class='line-icon' width={size} height={size} viewBox='0 0 24 24' aria-hidden='true' fill='none' stroke='currentColor'
      stroke-width='2' stroke-linecap='round' stroke-linejoin='round'>
      <path d={PATHS[name]} />
    </svg>
  )
}
