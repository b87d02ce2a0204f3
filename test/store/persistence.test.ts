/**
 * The data dir across restarts and between processes, on real SQLite files in temp folders:
 * a clean close and reopen gives the same tip, state, side blocks, transaction index and pending
 * pool; a second process (test/helpers/kill-writer.ts, started with process.execPath --import tsx)
 * opening a dir in use gets StoreLockedError and leaves the store intact, in both directions; a
 * dir of another network gets NetworkMismatchError, one written by a newer schema is refused.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { NETWORKS } from '../../src/main/core'
import { NodeService } from '../../src/main/node/service'
import {
  DB_FILE,
  NetworkMismatchError,
  SqliteStore,
  StoreLockedError
} from '../../src/main/store/sqlite-store'
import {
  alice,
  bob,
  buildChain,
  carol,
  ChainBuilder,
  openChain,
  plainState,
  REGTEST,
  replayAccounts,
  signedTx,
  storedMainChain,
  submitAll
} from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'

const SCRIPT = resolve(__dirname, '../helpers/kill-writer.ts')
const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function dir(): string {
  const d = tempDir()
  cleanups.push(d.remove)
  return d.path
}

/** Run kill-writer.ts `open` in another process: what it got when opening the dir. */
function openInChild(dataDir: string, network = 'regtest'): Promise<{ ok?: true; error?: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, 'open', dataDir, network], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c) => (out += String(c)))
    child.stderr.on('data', (c) => (err += String(c)))
    child.on('exit', (code) =>
      code === 0 ? res(JSON.parse(out.trim().split('\n').at(-1)!)) : rej(new Error(err))
    )
  })
}

/** Start kill-writer.ts `hold`: another process keeping the dir open until killed. */
async function holdInChild(dataDir: string): Promise<{ kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, 'hold', dataDir, 'regtest'], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<void>((res) => child.on('exit', () => res()))
  cleanups.push(() => child.kill('SIGKILL'))
  await new Promise<void>((res, rej) => {
    let out = ''
    child.stdout.on('data', (c) => {
      out += String(c)
      if (out.includes('ready\n')) res()
    })
    child.on('exit', (code) => rej(new Error(`holder exited with ${code}`)))
  })
  return {
    kill: async () => {
      child.kill('SIGKILL')
      await exited
    }
  }
}

describe('reopening a data dir', () => {
  it('gives the same tip, state, side blocks, indexes and pending pool after a clean close', () => {
    const d = dir()
    const base = new ChainBuilder()
    buildChain(8, base)
    const side = base.fork(carol.address, 1)
    const main = base.fork(bob.address, 0)
    side.mineMany(2)
    main.mineMany(3, (i, b) => (i === 1 ? [b.transfer(alice, carol.address, 11, 2)] : []))
    let svc = NodeService.open({ dataDir: d, network: REGTEST })
    for (const b of [...base.blocks, ...side.blocks, ...main.blocks])
      expect(svc.submitBlock(b).kind).toBe('accepted')
    const pending = signedTx(alice, bob.address, 3, main.account(alice.address).nonce, 1)
    expect(svc.submitTransaction(pending).kind).toBe('accepted')
    const snapshot = {
      tip: svc.chain.tip(),
      state: plainState(svc.store.allAccounts()),
      pool: svc.pool.all().map((t) => t.id),
      wallet: svc.wallet.address,
      loc: svc.store.txLocation(main.blocks[1].transactions[1].id),
      history: svc.store.addressHistory(carol.address, 0, 100),
      blocks: svc.store.countBlocks()
    }
    svc.close()

    svc = NodeService.open({ dataDir: d, network: REGTEST })
    cleanups.unshift(() => svc.close())
    expect(svc.chain.tip()).toEqual(snapshot.tip)
    expect(plainState(svc.store.allAccounts())).toEqual(snapshot.state)
    expect(plainState(svc.store.allAccounts())).toEqual(
      plainState(replayAccounts(storedMainChain(svc.store)))
    )
    expect(svc.pool.all().map((t) => t.id)).toEqual(snapshot.pool)
    expect(svc.wallet.address).toBe(snapshot.wallet)
    expect(svc.store.txLocation(main.blocks[1].transactions[1].id)).toEqual(snapshot.loc)
    expect(svc.store.addressHistory(carol.address, 0, 100)).toEqual(snapshot.history)
    expect(svc.store.countBlocks()).toBe(snapshot.blocks)
    for (const b of side.blocks) expect(svc.submitBlock(b).kind).toBe('known')
    // And it carries on: the side branch can still take over after the restart.
    side.mineMany(2)
    for (const b of side.blocks.slice(-2)) expect(svc.submitBlock(b).kind).toBe('accepted')
    expect(svc.chain.tip().hash).toBe(side.tip.hash)
    expect(plainState(svc.store.allAccounts())).toEqual(
      plainState(replayAccounts(storedMainChain(svc.store)))
    )
  })

  it('checkpoints the WAL at 4,096 pages in a batch only, and leaves none after a clean close', () => {
    const d = dir()
    const svc = NodeService.open({ dataDir: d, network: REGTEST })
    const checkpointPages = (): unknown =>
      svc.store.db.pragma('wal_autocheckpoint', { simple: true })
    const [first, ...rest] = buildChain(6)
    expect(checkpointPages()).toBe(1000)
    expect(svc.submitBlock(first).kind).toBe('accepted')
    // A catch-up's chunk: its commit leaves the indexes' hot pages in the WAL (store/open.ts).
    const during: unknown[] = []
    svc.store.batch(() => {
      during.push(checkpointPages())
      for (const b of rest) expect(svc.submitBlock(b).kind).toBe('accepted')
    })
    expect(during).toEqual([4096])
    expect(checkpointPages()).toBe(1000)
    // Also after a batch that failed.
    expect(() =>
      svc.store.batch(() => {
        throw new Error('a write failed')
      })
    ).toThrow('a write failed')
    expect(checkpointPages()).toBe(1000)
    expect(existsSync(join(d, `${DB_FILE}-wal`))).toBe(true)
    svc.close()
    expect(existsSync(join(d, `${DB_FILE}-wal`))).toBe(false)
  })

  it('opens at once after the process holding the dir was killed, with every committed block', async () => {
    const d = dir()
    const blocks = buildChain(5)
    const c = openChain(d)
    submitAll(c.chain, blocks)
    c.close()
    const holder = await holdInChild(d)
    await holder.kill()
    const again = openChain(d)
    cleanups.unshift(again.close)
    expect(again.chain.tip().hash).toBe(blocks[4].hash)
  })
})

describe('one data dir, one process', () => {
  it('refuses a second process with StoreLockedError while this one holds the dir', async () => {
    const d = dir()
    const svc = NodeService.open({ dataDir: d, network: REGTEST })
    cleanups.unshift(() => svc.close())
    const blocks = buildChain(4)
    for (const b of blocks.slice(0, 2)) svc.submitBlock(b)
    expect(await openInChild(d)).toMatchObject({ error: 'StoreLockedError' })
    // Our store is unharmed and keeps working.
    for (const b of blocks.slice(2)) expect(svc.submitBlock(b).kind).toBe('accepted')
    expect(svc.store.db.pragma('integrity_check', { simple: true })).toBe('ok')
    svc.close()
    expect(await openInChild(d)).toEqual({ ok: true })
  })

  it('gets StoreLockedError itself while another process holds the dir, and opens once it is gone', async () => {
    const d = dir()
    const blocks = buildChain(3)
    const c = openChain(d)
    submitAll(c.chain, blocks)
    c.close()
    const holder = await holdInChild(d)
    expect(() =>
      SqliteStore.open({ dataDir: d, network: 'regtest', genesisHash: REGTEST.genesisHash })
    ).toThrow(StoreLockedError)
    expect(() => NodeService.open({ dataDir: d, network: REGTEST })).toThrow(StoreLockedError)
    await holder.kill()
    const again = openChain(d)
    cleanups.unshift(again.close)
    expect(again.chain.tip().hash).toBe(blocks[2].hash)
    expect(plainState(again.store.allAccounts())).toEqual(
      plainState(replayAccounts(storedMainChain(again.store)))
    )
  })

  it('refuses a second open of the same dir in the same process', () => {
    const d = dir()
    const first = openChain(d)
    cleanups.unshift(first.close)
    expect(() =>
      SqliteStore.open({ dataDir: d, network: 'regtest', genesisHash: REGTEST.genesisHash })
    ).toThrow(StoreLockedError)
    submitAll(first.chain, buildChain(2))
    expect(first.chain.tip().index).toBe(3)
  })
})

describe('a data dir that is not ours', () => {
  it('refuses a regtest dir opened as main with NetworkMismatchError', async () => {
    const d = dir()
    openChain(d).close()
    expect(() =>
      SqliteStore.open({ dataDir: d, network: 'main', genesisHash: NETWORKS.main.genesisHash })
    ).toThrow(NetworkMismatchError)
    expect(() => NodeService.open({ dataDir: d, network: NETWORKS.main })).toThrow(
      NetworkMismatchError
    )
    expect(await openInChild(d, 'main')).toMatchObject({ error: 'NetworkMismatchError' })
    // A genesis that does not match under the same network name is refused too.
    expect(() =>
      SqliteStore.open({ dataDir: d, network: 'regtest', genesisHash: NETWORKS.main.genesisHash })
    ).toThrow(NetworkMismatchError)
    // The refused opens released the dir and changed nothing.
    const again = openChain(d)
    cleanups.unshift(again.close)
    expect(again.chain.tip().hash).toBe(REGTEST.genesisHash)
  })

  it('refuses a dir written by a newer schema and leaves it as it was', () => {
    const d = dir()
    const c = openChain(d)
    c.store.db.pragma('user_version = 99')
    c.close()
    expect(() => openChain(d)).toThrow(Error)
    const raw = new Database(join(d, DB_FILE), { readonly: true })
    expect(raw.pragma('user_version', { simple: true })).toBe(99)
    raw.close()
  })
})
