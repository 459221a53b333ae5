import encodeQR from 'qr'
import './QrCode.css'

/** The light margin around the code, in modules: readers need four (ISO/IEC 18004). */
const QUIET_ZONE = 4

/**
 * `value` as a QR code, for a phone's camera to open: dark modules on white whatever the theme,
 * since readers expect that contrast. Medium error correction (15%) survives a screen's glare.
 */
export function QrCode ({ value, label }: { value: string, label: string }) {
  const rows = encodeQR(value, 'raw', { ecc: 'medium', border: QUIET_ZONE })
  return (
    <svg class='qr-code' viewBox={`0 0 ${rows.length} ${rows.length}`} role='img' aria-label={label}
      shape-rendering='crispEdges'>
      <rect width={rows.length} height={rows.length} fill='#fff' />
      <path d={darkRuns(rows)} fill='#000' />
    </svg>
  )
}

/** One rectangle per horizontal run of dark modules: a path a few times shorter than one per module. */
function darkRuns (rows: boolean[][]): string {
  let path = ''
  rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue
      const start = x
      while (row[x + 1]) x++
      path += `M${start} ${y}h${x + 1 - start}v1h${start - x - 1}z`
    }
  })
  return path
}
