/**
 * What the benches report of repeated measurements, defined once (seven parts had their own
 * `median`, by two rules that agree on the odd numbers of rounds they run), and how a bench file
 * runs on its own (`npx tsx bench/<part>.ts`).
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * The nearest-rank percentile of `sorted` (ascending): the smallest value with at least p% of
 * the values at or below it. NaN when there is none.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, i)]
}

/** The middle value (the mean of the two middle ones for an even count); NaN when there is none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/**
 * When `moduleUrl` (the caller's import.meta.url) is the script node was started with: run
 * `run`, print its figures as one JSON line and exit; on a failure print it and exit with 1.
 */
export function runAsScript(moduleUrl: string, run: () => Promise<unknown>): void {
  const script = process.argv[1]
  if (script === undefined || pathToFileURL(resolve(script)).href !== moduleUrl) return
  run().then(
    (r) => {
      console.log(JSON.stringify(r))
      process.exit(0)
    },
    (e: unknown) => {
      console.error(e)
      process.exit(1)
    }
  )
}
