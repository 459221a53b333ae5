/**
 * Reads Prometheus text (format 0.0.4) into name{labels} -> value, checking its shape on the way.
 */
export function parsePrometheus (text: string): Map<string, number> {
  const samples = new Map<string, number>()
  const typed = new Set<string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE (\w+) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type !== null) {
      typed.add(type[1])
      continue
    }
    if (line.startsWith('# HELP ')) continue
    const sample = /^(\w+)(\{[^}]*\})? (-?[\d.e+]+|NaN|[+-]Inf)$/.exec(line)
    if (sample === null) throw new Error(`not a Prometheus sample line: "${line}"`)
    if (!typed.has(sample[1])) throw new Error(`sample before its # TYPE line: "${line}"`)
    samples.set(sample[1] + (sample[2] ?? ''), Number(sample[3]))
  }
  return samples
}
