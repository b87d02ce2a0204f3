/**
 * The demo mode for classes (`npm run demo`, `blockforge --demo`): two regtest nodes on this
 * machine, A and B, with wallets from fixed seeds, so every run (and every student's machine)
 * has the same two addresses; each run starts them on fresh chains, not yet peers of each other,
 * ready for the guided tour (the UI's Tour screen, which registers B, forks and heals). Their
 * data dirs are `a` and `b` in the demo folder, emptied at every start; the folder holds a marker
 * file, and a folder without it that is not empty is refused rather than emptied.
 *
 * The blocks' hashes still differ between runs: a block carries the time it was mined, and the
 * protocol refuses a block from too far in the future or not after its parents' median time.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addressOf, publicKeyFromSeed } from '../core'
import { DB_FILE, openHandle, StoreLockedError } from '../store/open'
import { WALLET_FILE } from '../wallet/wallet'

/** What marks a folder as the demo's, and so safe to empty. */
export const DEMO_MARKER = '.blockforge-demo'

export const DEMO_NODES = ['a', 'b'] as const
export type DemoNode = (typeof DEMO_NODES)[number]

/** The fixed wallet seed of demo node `n`: SHA-256 of a phrase anyone can check. */
export function demoSeed(n: DemoNode): Buffer {
  return createHash('sha256').update(`blockforge demo wallet ${n.toUpperCase()}`).digest()
}

/** Demo node `n`'s wallet address (the same on every machine and every run). */
export function demoAddress(n: DemoNode): string {
  return addressOf(publicKeyFromSeed(demoSeed(n)).toString('hex'))
}

export class DemoFolderError extends Error {
  constructor(
    dir: string,
    why = `is not empty and is not a Blockforge demo folder (it has no ${DEMO_MARKER})`
  ) {
    super(
      `${dir} ${why}; the demo empties its folder at every start, so it will not use this one: pass --data-dir <a new or empty folder>`
    )
    this.name = 'DemoFolderError'
  }
}

/** Another process runs a node on a data dir of this demo folder (a demo started before). */
export class DemoInUseError extends Error {
  constructor(root: string) {
    super(
      `the demo in ${root} is running in another process; stop it first (Ctrl-C where it runs), or pass --data-dir <another folder> to run a second demo`
    )
    this.name = 'DemoInUseError'
  }
}

/** Throws DemoInUseError when a node of another process holds `dir`'s store (its exclusive lock). */
function assertNotRunning(root: string, dir: string): void {
  if (!existsSync(join(dir, DB_FILE))) return
  try {
    openHandle(dir).db.close()
  } catch (e) {
    if (e instanceof StoreLockedError) throw new DemoInUseError(root)
    // A damaged or foreign file is the demo's own leftover: it is emptied below.
  }
}

/**
 * Makes `root` the demo's folder: emptied (if it is the demo's, or empty), marked, and with a
 * data dir for each node holding its seeded wallet. Returns the two data dirs.
 */
export function prepareDemo(root: string): Record<DemoNode, string> {
  if (existsSync(root) && !statSync(root).isDirectory())
    throw new DemoFolderError(root, 'is a file, not a folder')
  if (existsSync(root) && readdirSync(root).length > 0 && !existsSync(join(root, DEMO_MARKER)))
    throw new DemoFolderError(root)
  // Nothing is emptied while a demo runs on the folder: its nodes would go on over deleted files.
  for (const n of DEMO_NODES) assertNotRunning(root, join(root, n))
  mkdirSync(root, { recursive: true })
  writeFileSync(join(root, DEMO_MARKER), 'Blockforge demo: emptied at every `--demo` start\n')
  const dirs = {} as Record<DemoNode, string>
  for (const n of DEMO_NODES) {
    const dir = join(root, n)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    // The wallet file's own format (wallet/wallet.ts), owner-only as the node writes it.
    writeFileSync(
      join(dir, WALLET_FILE),
      JSON.stringify({ version: 1, seed: demoSeed(n).toString('hex') }),
      { mode: 0o600 }
    )
    dirs[n] = dir
  }
  return dirs
}
