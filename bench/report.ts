/**
 * Turns the results into the printed table, the target verdicts and bench/results/latest.md.
 * A target that was not measured is reported as such, never as a pass.
 */
import type { Results } from './run.js'
import { TYPING_MS } from './join.js'
import type { LatencyRow } from './latency.js'

export interface Target {
  name: string
  value: string
  verdict: 'pass' | 'MISS' | 'not measured'
}

interface Row { measure: string, ours: string, baseline: string, ratio: string }

const ms = (v: number | null | undefined): string => v == null ? '-' : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`
const pct = (v: number | undefined): string => v === undefined ? '-' : `${(v * 100).toFixed(v === 1 ? 0 : 2)}%`
const kb = (v: number | undefined): string => v === undefined ? '-' : `${(v / 1024).toFixed(1)} KB`
const num = (v: number | null | undefined): string => v == null ? '-' : Math.round(v).toLocaleString('en-US')
/** " (7 runs, 201-265 ms)": how far single runs spread around their median on this host. */
const spread = (runs: number[]): string => runs.length < 2 ? '' : ` (${runs.length} runs, ${Math.round(Math.min(...runs))}-${Math.round(Math.max(...runs))} ms)`

function verdict (measured: boolean, ok: boolean): Target['verdict'] {
  return !measured ? 'not measured' : ok ? 'pass' : 'MISS'
}

export function renderReport (r: Results, util: { ratio: (a: number | null | undefined, b: number | null | undefined) => number | null }):
{ table: string, markdown: string, targets: Target[] } {
  const rows: Row[] = []
  const latency = r.latency ?? []
  const find = (size: number, mode: string) => latency.find(x => x.size === size && x.mode === mode)
  const sizes = [...new Set(latency.map(x => x.size))]
  for (const size of sizes) {
    const m = find(size, 'mesh')
    const b = find(size, 'baseline')
    for (const key of ['p50', 'p95', 'p99', 'max'] as const) {
      const interval = key === 'p99' ? intervalOf(m) : ''
      rows.push({
        measure: `latency ${size} members ${key}`,
        ours: m?.result !== undefined ? ms(m.result[key]) : (m?.error ?? '-'),
        baseline: b?.result !== undefined ? ms(b.result[key]) : (b?.error ?? '-'),
        ratio: String(util.ratio(m?.result?.[key], b?.result?.[key]) ?? '-') + (interval === '' ? '' : ` (${interval})`)
      })
    }
    const gap = m?.gapMs ?? b?.gapMs
    rows.push({
      measure: `delivered ${size} members` + (gap !== undefined ? ` (a message every ${gap} ms)` : ''),
      ours: delivered(m),
      baseline: delivered(b),
      ratio: '-'
    })
  }
  for (const row of r.transport?.rows ?? []) {
    if (row.transport !== 'webrtc') continue
    const ws = r.transport!.rows.find(x => x.transport === 'websocket' && x.workMs === row.workMs)
    const busy = row.workMs === 0 ? 'idle receivers' : `receivers busy ${row.workMs} ms`
    for (const key of ['p50', 'p95', 'p99'] as const) {
      rows.push({
        measure: `data channel vs WebSocket alone, ${busy}, ${key}`,
        ours: ms(row.later[key]) + missing(row.missing),
        baseline: ms(ws?.later[key]) + missing(ws?.missing ?? 0),
        ratio: String(util.ratio(row.later[key], ws?.later[key]) ?? '-')
      })
    }
  }
  const t = r.throughput
  if (t !== undefined) {
    rows.push({
      measure: '10-member room, sustained rate (100% delivered, p99 < 100 ms)',
      ours: t.mesh === undefined ? '-' : `${num(t.mesh.sustained)} msg/s`,
      baseline: t.baseline === undefined ? '-' : `${num(t.baseline.sustained)} msg/s`,
      ratio: String(util.ratio(t.mesh?.sustained, t.baseline?.sustained) ?? '-')
    })
  }
  const j = r.join
  if (j !== undefined) {
    const of = (done: number, all: number): string => ` (${done} of ${all} completed in 20 s)`
    rows.push({ measure: 'join, Node: first message delivered (median)', ours: ms(j.node.medianFirstDeliveredMs) + of(j.node.completed, j.node.runs.length), baseline: '-', ratio: '-' })
    rows.push({ measure: 'join, Node: first message exchanged both ways (median)', ours: ms(j.node.medianExchangedMs) + of(j.node.completed, j.node.runs.length), baseline: '-', ratio: '-' })
    rows.push({ measure: 'join, Chromium: open link to reply on screen (median)', ours: j.chromium === undefined ? '-' : j.chromium.error ?? ms(j.chromium.medianExchangedMs) + of(j.chromium.completed, j.chromium.runs.length), baseline: '-', ratio: '-' })
    if (j.chromium !== undefined && j.chromium.error === undefined) {
      rows.push({ measure: 'join, Chromium: Join pressed to reply on screen (median)', ours: ms(j.chromium.medianAfterJoinMs), baseline: '-', ratio: '-' })
      const typed = j.chromium.typedAfterJoinRuns
      rows.push({ measure: `join, Chromium, name typed after ${TYPING_MS / 1_000} s: Join pressed to reply (median)`, ours: ms(j.chromium.medianTypedAfterJoinMs) + of(typed.filter(t => t !== null).length, typed.length), baseline: '-', ratio: '-' })
    }
  }
  for (const c of r.crypto?.rows ?? []) {
    rows.push({ measure: `seal (sign+encrypt) ${c.bodyBytes} B body`, ours: `${num(c.sealPerSec)}/s`, baseline: 'same code', ratio: '-' })
    rows.push({ measure: `open (decrypt+verify) ${c.bodyBytes} B body`, ours: `${num(c.openPerSec)}/s`, baseline: 'same code', ratio: '-' })
    rows.push({ measure: `seal+open ${c.bodyBytes} B body`, ours: `${num(c.roundTripPerSec)}/s`, baseline: 'same code', ratio: '-' })
  }
  const h = r.history
  if (h !== undefined) {
    rows.push({ measure: `history: write ${num(h.written)} messages (IdbStore)`, ours: `${(h.writeMs / 1000).toFixed(1)} s, ${num(h.writesPerSec)}/s`, baseline: '-', ratio: '-' })
    rows.push({ measure: 'history: page load to newest 50 on screen (median)', ours: ms(h.medianOpenMs) + spread(h.openRuns), baseline: '-', ratio: '-' })
    rows.push({ measure: 'history: page load to that screen painted (median)', ours: ms(h.medianPaintedMs) + spread(h.paintedRuns), baseline: '-', ratio: '-' })
    rows.push({ measure: 'history: room switch to newest 50 on screen (median)', ours: ms(h.medianSwitchMs) + spread(h.switchRuns), baseline: '-', ratio: '-' })
    rows.push({ measure: 'history: JS heap used with the room open', ours: h.heapUsedBytes == null ? '-' : `${(h.heapUsedBytes / 2 ** 20).toFixed(1)} MB`, baseline: '-', ratio: '-' })
  }
  const s = r.size
  if (s !== undefined) {
    rows.push({ measure: 'app shell, gzipped', ours: kb(s.shellGzipBytes), baseline: '-', ratio: '-' })
    rows.push({ measure: 'whole app (dist/web), gzipped', ours: kb(s.totalGzipBytes), baseline: '-', ratio: '-' })
  }
  const rel = r.relay
  if (rel !== undefined) {
    rows.push({ measure: `relay: clients holding a reservation (of ${num(rel.target)})`, ours: `${num(rel.reserved)} in ${rel.burstSeconds} s${rel.hitTimeLimit ? ' (time limit)' : ''}`, baseline: '-', ratio: '-' })
    rows.push({ measure: 'relay: RSS idle / loaded / per client', ours: `${(rel.rssIdleBytes / 2 ** 20).toFixed(0)} MB / ${(rel.rssLoadedBytes / 2 ** 20).toFixed(0)} MB / ${rel.rssPerPeerBytes == null ? '-' : kb(rel.rssPerPeerBytes)}`, baseline: '-', ratio: '-' })
    rows.push({ measure: 'relay: CPU idle / join burst / holding all (% of a core)', ours: `${rel.cpuIdlePercent}% / ${rel.cpuBurstPercent}% / ${rel.cpuHeldPercent}%`, baseline: '-', ratio: '-' })
  }
  if (r.scale !== undefined) {
    rows.push({ measure: 'largest room with 100% delivery', ours: r.scale.largestFullDelivery == null ? '-' : `${r.scale.largestFullDelivery} members`, baseline: '-', ratio: r.scale.note })
  }

  const m10 = find(10, 'mesh')?.result
  const b10 = find(10, 'baseline')?.result
  const c100 = r.crypto?.rows.find(c => c.bodyBytes === 100)
  const step500 = t?.mesh?.steps.find(st => st.rate === 500)
  const interval10 = intervalOf(find(10, 'mesh'))
  const targets: Target[] = [
    { name: 'latency p99 <= 1.5x baseline, 10 members', value: m10 && b10 ? `${ms(m10.p99)} vs ${ms(b10.p99)} (${util.ratio(m10.p99, b10.p99)}x${interval10 === '' ? '' : `; ${interval10}`})` : '-', verdict: verdict(m10?.p99 != null && b10?.p99 != null, (m10?.p99 ?? Infinity) <= 1.5 * (b10?.p99 ?? 0)) },
    { name: 'latency p50 < 10 ms, 10 members', value: ms(m10?.p50), verdict: verdict(m10?.p50 != null, (m10?.p50 ?? Infinity) < 10) },
    { name: '100% delivery and p99 < 100 ms at 500 msg/s, 10 members', value: step500 ? `${pct(step500.result.deliveredShare)}, p99 ${ms(step500.result.p99)}` : t?.mesh ? `stopped at ${t.mesh.steps.at(-1)?.rate} msg/s` : '-', verdict: verdict(t?.mesh !== undefined, step500?.pass === true) },
    { name: 'join < 1 s (Node, first message exchanged)', value: j ? `${ms(j.node.medianExchangedMs)}, ${j.node.completed} of ${j.node.runs.length} completed` : '-', verdict: verdict(j !== undefined, j?.node.completed === j?.node.runs.length && (j?.node.medianExchangedMs ?? Infinity) < 1_000) },
    { name: 'join < 1 s (Chromium, open link to reply)', value: j?.chromium ? `${ms(j.chromium.medianExchangedMs)}, ${j.chromium.completed} of ${j.chromium.runs.length} completed` : '-', verdict: verdict(j?.chromium !== undefined && j.chromium.error === undefined, j?.chromium?.completed === j?.chromium?.runs.length && (j?.chromium?.medianExchangedMs ?? Infinity) < 1_000) },
    { name: 'seal+open >= 1,000/s at 100 B', value: c100 ? `${num(c100.roundTripPerSec)}/s` : '-', verdict: verdict(c100 !== undefined, (c100?.roundTripPerSec ?? 0) >= 1_000) },
    { name: 'newest 50 of 100,000 on screen < 200 ms (page load)', value: ms(h?.medianOpenMs), verdict: verdict(h?.medianOpenMs != null && h.written === 100_000, (h?.medianOpenMs ?? Infinity) < 200) },
    { name: 'newest 50 of 100,000 on screen < 200 ms (room switch)', value: ms(h?.medianSwitchMs), verdict: verdict(h?.medianSwitchMs != null && h.written === 100_000, (h?.medianSwitchMs ?? Infinity) < 200) },
    { name: 'app shell <= 60 KB gzipped', value: kb(s?.shellGzipBytes), verdict: verdict(s !== undefined, (s?.shellGzipBytes ?? Infinity) <= 60 * 1024) },
    { name: 'whole app <= 350 KB gzipped', value: kb(s?.totalGzipBytes), verdict: verdict(s !== undefined, (s?.totalGzipBytes ?? Infinity) <= 350 * 1024) },
    { name: 'relay holds 1,000 reserved clients', value: rel ? `${num(rel.reserved)}` : '-', verdict: verdict(rel !== undefined, (rel?.reserved ?? 0) >= 1_000) },
    { name: '50-member room, 100% delivery', value: r.scale?.note ?? '-', verdict: verdict(r.scale?.tried.includes(50) === true, r.scale?.largestFullDelivery === 50) }
  ]

  const widths = [62, 26, 26, 30]
  const line = (cells: string[]): string => cells.map((c, i) => c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i])).join(' ').trimEnd()
  const table = [
    line(['Measure', 'Ours (mesh)', 'Baseline (WebSocket)', 'Ratio']),
    line(widths.map(w => '-'.repeat(w))),
    ...rows.map(x => line([x.measure, x.ours, x.baseline, x.ratio])),
    '',
    line(['Target', 'Value', 'Result', '']),
    line(widths.slice(0, 3).map(w => '-'.repeat(w))),
    ...targets.map(x => line([x.name, x.value, x.verdict, '']))
  ].join('\n')

  const m = r.machine
  const esc = (v: string): string => v.replaceAll('|', '\\|')
  const markdown = [
    '# Benchmark results',
    '',
    `Profile **${r.profile}**, run ${m.date} in ${r.durationSeconds ?? '?'} s, code ${m.commit}.`,
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.platform}; load average ${m.loadAverageAtStart} when the run started.`,
    ...(m.speedAtStart === undefined ? [] : [`Speed of one core (SHA-256 in JavaScript): ${m.speedAtStart} MB/s at the start, ${m.speedAtEnd ?? '?'} MB/s at the end. The cores are shared with other machines; the same code gives a lower figure on a busier host, and every other number here moves with it.`]),
    '',
    'Produced by `npm run bench` (see bench/README.md for what each line measures and how).',
    '',
    '## Targets',
    '',
    '| Target | Value | Result |',
    '|---|---|---|',
    ...targets.map(x => `| ${esc(x.name)} | ${esc(x.value)} | ${x.verdict === 'MISS' ? '**MISS**' : x.verdict} |`),
    '',
    '## Results',
    '',
    '| Measure | Ours (mesh) | Baseline (WebSocket) | Ratio |',
    '|---|---|---|---|',
    ...rows.map(x => `| ${esc(x.measure)} | ${esc(x.ours)} | ${esc(x.baseline)} | ${esc(x.ratio)} |`),
    '',
    ...(Object.keys(r.errors).length > 0 ? ['## Could not measure', '', ...Object.entries(r.errors).map(([k, v]) => `- ${k}: ${v}`), ''] : []),
    ...(r.notes.length > 0 ? ['## Notes', '', ...r.notes.map(n => `- ${n}`), ''] : [])
  ].join('\n')
  return { table, markdown, targets }
}

/** " (3 missing)": messages that did not reach both receivers, if any. */
const missing = (count: number): string => count === 0 ? '' : ` (${count} missing)`

/** "90% of resamples 1.31-1.74x", or '' where the room did not take turns with a baseline room. */
function intervalOf (row: LatencyRow | undefined): string {
  const interval = row?.p99RatioInterval
  return interval === undefined ? '' : `90% of resamples ${interval[0].toFixed(2)}-${interval[1].toFixed(2)}x`
}

/** Deliveries made of those expected; and the messages sent, when a time limit cut them short. */
function delivered (row: LatencyRow | undefined): string {
  if (row?.result === undefined) return '-'
  const { deliveredShare, expected, sent } = row.result
  const cut = row.planned !== undefined && sent < row.planned ? ` (${num(sent)} of ${num(row.planned)} messages sent in the time limit)` : ''
  return `${pct(deliveredShare)} of ${num(expected)}${cut}`
}
