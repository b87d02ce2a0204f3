/**
 * "Reset This Node": the chain data of one data dir goes, so the node downloads the chain again
 * from its peers; the wallet stays unless the user ticked "also delete the wallet". Only the
 * node's own files are removed, by name, from that one folder: nothing of another profile, nothing
 * the user keeps beside them, never through a symbolic link.
 */
import { lstatSync, realpathSync, statSync, unlinkSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, parse, resolve, sep } from 'node:path'
import { DB_FILE } from '../store/sqlite-store'
import { WALLET_FILE } from '../wallet/wallet'

/** The store's files: the database, its write-ahead log and index, a rollback journal. */
export const CHAIN_FILES = [
  DB_FILE,
  `${DB_FILE}-wal`,
  `${DB_FILE}-shm`,
  `${DB_FILE}-journal`
] as const

export type ResetResult =
  | { ok: true; removed: string[] }
  | {
      ok: false
      error: 'not_a_profile' | 'not_a_data_dir' | 'outside_profile' | 'remove_failed'
      message: string
    }

export interface ResetOptions {
  deleteWallet: boolean
  /** The per-user folder holding every profile: never a data dir itself. */
  root: string
}

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep)
}

/**
 * Remove the chain (and, if asked, the wallet) of the node whose data dir is `dataDir`. The node
 * must be closed first (the store holds an exclusive lock). Refuses a folder that is not a data
 * dir: the config root holding all profiles, the home folder, a file system root, a relative path,
 * a folder without a store.
 */
export function resetDataDir(dataDir: string, opts: ResetOptions): ResetResult {
  if (!isAbsolute(dataDir))
    return { ok: false, error: 'not_a_profile', message: `${dataDir} is not an absolute path` }
  let dir: string
  try {
    dir = realpathSync(dataDir)
  } catch {
    return { ok: false, error: 'not_a_data_dir', message: `${dataDir} does not exist` }
  }
  const guarded = [opts.root, homedir(), parse(dir).root].map((p) => {
    try {
      return realpathSync(p)
    } catch {
      return resolve(p)
    }
  })
  if (guarded.includes(dir) || !statSync(dir).isDirectory()) {
    return { ok: false, error: 'not_a_profile', message: `${dataDir} is not a node's data dir` }
  }
  if (lstatSync(join(dir, DB_FILE), { throwIfNoEntry: false }) === undefined) {
    return {
      ok: false,
      error: 'not_a_data_dir',
      message: `${dataDir} holds no Blockforge chain (${DB_FILE})`
    }
  }
  const names: string[] = [...CHAIN_FILES, ...(opts.deleteWallet ? [WALLET_FILE] : [])]
  const targets = names.map((n) => join(dir, n))
  // By construction each target is in `dir`; checked anyway, since a slip here deletes a wallet.
  const stray = targets.find((t) => !inside(dirname(t), dir))
  if (stray)
    return { ok: false, error: 'outside_profile', message: `${stray} is outside ${dataDir}` }
  const removed: string[] = []
  for (const t of targets) {
    const st = lstatSync(t, { throwIfNoEntry: false })
    if (st === undefined) continue
    // A folder under one of our names is not ours to delete. A symbolic link is removed itself,
    // never what it points at (perhaps another profile's file).
    if (st.isDirectory())
      return { ok: false, error: 'remove_failed', message: `${t} is a folder, not the node's file` }
    try {
      unlinkSync(t)
      removed.push(t)
    } catch (e) {
      return {
        ok: false,
        error: 'remove_failed',
        message: `could not remove ${t}: ${(e as Error).message}`
      }
    }
  }
  return { ok: true, removed }
}

export interface ResettableNode {
  url: string
  close(): Promise<void>
}

/**
 * The whole reset of a running node: close it (which releases the store's lock and the port),
 * remove its files, start it again on the same port. `start` gets the port to listen on. A refused
 * or failed removal still restarts the node as it was, and the result says why.
 */
export async function resetNode<N extends ResettableNode>(
  node: N,
  dataDir: string,
  opts: ResetOptions,
  start: (port: number) => Promise<N>
): Promise<{ node: N; result: ResetResult }> {
  const port = Number(new URL(node.url).port)
  await node.close()
  const result = resetDataDir(dataDir, opts)
  return { node: await start(port), result }
}
