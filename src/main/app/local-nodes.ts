/**
 * Blockforge nodes running on this machine find each other through a small registry folder in
 * the per-user config root: each running node writes `<pid>.json` with its URL and network and
 * removes it on exit. Entries of dead processes are ignored and cleaned up.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface LocalNodeEntry {
  pid: number
  url: string
  network: string
  dataDir: string
  startedAt: number
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class LocalRegistry {
  constructor(private readonly dir: string) {}

  /** Announce this process's node; returns the function that withdraws it. */
  register(entry: Omit<LocalNodeEntry, 'pid' | 'startedAt'>): () => void {
    mkdirSync(this.dir, { recursive: true })
    const file = join(
      this.dir,
      `${process.pid}-${Buffer.from(entry.url).toString('hex').slice(-16)}.json`
    )
    const body: LocalNodeEntry = { ...entry, pid: process.pid, startedAt: Date.now() }
    writeFileSync(file, JSON.stringify(body))
    return () => rmSync(file, { force: true })
  }

  /** Live entries; stale files of dead processes are removed. */
  list(): LocalNodeEntry[] {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return []
    }
    const out: LocalNodeEntry[] = []
    for (const n of names) {
      if (!n.endsWith('.json')) continue
      const file = join(this.dir, n)
      try {
        const e = JSON.parse(readFileSync(file, 'utf8')) as LocalNodeEntry
        if (typeof e.pid === 'number' && typeof e.url === 'string' && alive(e.pid)) out.push(e)
        else rmSync(file, { force: true })
      } catch {
        rmSync(file, { force: true })
      }
    }
    return out
  }
}
