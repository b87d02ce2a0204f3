/**
 * The node's wallet in its data dir (src/main/wallet/wallet.ts, through NodeService where the node
 * uses it): created on first start with mode 0600, the same address on every reopen, permissions
 * tightened if loosened, a damaged file refused; its transfers are well-formed, enter the pool
 * with sequential nonces and are accepted in a mined block.
 */
import {
  chmodSync,
  lstatSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkTransactionForm, NETWORKS } from '../../src/main/core'
import { NodeService } from '../../src/main/node/service'
import { Wallet, WALLET_FILE, WalletFileError } from '../../src/main/wallet/wallet'
import { bob, ChainBuilder, REGTEST } from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function dir(): string {
  const d = tempDir()
  cleanups.push(d.remove)
  return d.path
}

describe('wallet', () => {
  it('is created on first start with owner-only permissions and keeps its address on reopen', () => {
    const d = dir()
    const svc = NodeService.open({ dataDir: d, network: REGTEST })
    const address = svc.wallet.address
    svc.close()
    const file = join(d, WALLET_FILE)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(address).toMatch(/^[0-9a-f]{40}$/)
    const again = NodeService.open({ dataDir: d, network: REGTEST })
    cleanups.unshift(() => again.close())
    expect(again.wallet.address).toBe(address)
    expect(Wallet.loadOrCreate(d).publicKey).toBe(again.wallet.publicKey)
    // Two data dirs, two keys.
    expect(Wallet.loadOrCreate(dir()).address).not.toBe(address)
  })

  it('tightens a wallet file someone made readable by others', () => {
    const d = dir()
    const w = Wallet.loadOrCreate(d)
    const file = join(d, WALLET_FILE)
    chmodSync(file, 0o644)
    expect(Wallet.loadOrCreate(d).address).toBe(w.address)
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('refuses a damaged wallet file instead of making a new key over it', () => {
    const d = dir()
    Wallet.loadOrCreate(d)
    const file = join(d, WALLET_FILE)
    writeFileSync(file, JSON.stringify({ version: 1, seed: 'zz' }), { mode: 0o600 })
    expect(() => Wallet.loadOrCreate(d)).toThrow()
    expect(readFileSync(file, 'utf8')).toContain('zz')
  })

  it('names the file and the problem for a wallet holding null or garbage, and never writes over it', () => {
    const d = dir()
    const file = join(d, WALLET_FILE)
    for (const [content, problem] of [
      ['null', /holds null/],
      ['{"version":1', /not JSON/],
      ['[1,2]', /holds a list/]
    ] as const) {
      writeFileSync(file, content, { mode: 0o600 })
      expect(() => Wallet.loadOrCreate(d)).toThrow(WalletFileError)
      expect(() => Wallet.loadOrCreate(d)).toThrow(problem)
      expect(() => Wallet.loadOrCreate(d)).toThrow(file)
      expect(() => Wallet.loadOrCreate(d)).not.toThrow(/Cannot read properties/)
      expect(readFileSync(file, 'utf8')).toBe(content)
    }
    // A dangling link "does not exist" for existsSync, but is not replaced by a new key either.
    rmSync(file)
    symlinkSync(join(d, 'elsewhere.json'), file)
    expect(() => Wallet.loadOrCreate(d)).toThrow(WalletFileError)
    expect(lstatSync(file).isSymbolicLink()).toBe(true)
  })

  it('signs transfers that validate, on its own network only', () => {
    const w = Wallet.loadOrCreate(dir())
    const tx = w.transfer(
      { recipient: bob.address, amount: 5, fee: 1, nonce: 0 },
      REGTEST.genesisHash
    )
    expect(tx.sender).toBe(w.address)
    expect(checkTransactionForm(tx, REGTEST.genesisHash)).toEqual({ ok: true, value: undefined })
    expect(checkTransactionForm(tx, NETWORKS.main.genesisHash)).toMatchObject({
      ok: false,
      code: 'bad_transaction'
    })
    expect(checkTransactionForm({ ...tx, amount: 6 }, REGTEST.genesisHash)).toMatchObject({
      ok: false,
      code: 'bad_transaction'
    })
  })

  it('sends from the wallet with sequential nonces, and the transfers are mined', () => {
    const d = dir()
    const svc = NodeService.open({ dataDir: d, network: REGTEST })
    cleanups.unshift(() => svc.close())
    const b = new ChainBuilder({ payTo: svc.wallet.address })
    b.mineMany(2)
    for (const blk of b.blocks) svc.submitBlock(blk)
    const sent = [1, 2, 3].map((amount) =>
      svc.sendFromWallet({ recipient: bob.address, amount, fee: 1 })
    )
    expect(sent.map((s) => s.kind)).toEqual(['accepted', 'accepted', 'accepted'])
    expect(svc.pool.all().map((t) => t.nonce)).toEqual([0, 1, 2])
    expect(svc.sendFromWallet({ recipient: bob.address, amount: 1000, fee: 0 })).toMatchObject({
      kind: 'invalid',
      code: 'insufficient_funds'
    })
    expect(svc.sendFromWallet({ recipient: '0', amount: 1, fee: 0 })).toMatchObject({
      kind: 'invalid',
      code: 'bad_transaction'
    })
    const blk = b.mine(svc.pool.template(999, svc.store))
    expect(svc.submitBlock(blk)).toMatchObject({ kind: 'accepted', status: 'main' })
    expect(svc.pool.size).toBe(0)
    expect(svc.store.account(bob.address).balance).toBe(6)
    expect(svc.store.account(svc.wallet.address).nonce).toBe(3)
  })
})
