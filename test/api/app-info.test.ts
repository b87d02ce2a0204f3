/**
 * The node side of the first run, About and notifications (issue #10), on real regtest nodes
 * (startNode, real SQLite in temp folders): getAppInfo says what About shows and whether this
 * start created the wallet; the two new settings are kept in the data dir across restarts; and
 * `notice` events come for a block this node's miner found and for a transfer a main-chain block
 * pays the wallet, once each, not again when a reorganisation connects the same transfer again,
 * and never for other miners' blocks.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Notice, NodeEvent } from '../../src/shared/api'
import pkg from '../../package.json'
import { alice, ChainBuilder, carol } from '../helpers/chain-builder'
import { closeAll, startTestNode, waitFor } from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

afterEach(closeAll)

/** Every notice the node pushes from now on. */
function notices(subscribe: (cb: (e: NodeEvent) => void) => () => void): Notice[] {
  const seen: Notice[] = []
  subscribe((e) => {
    if (e.type === 'notice') seen.push(e.notice)
  })
  return seen
}

describe('getAppInfo', () => {
  it('says name, versions, platform, where the data and the wallet file are, and that this start created the wallet', async () => {
    const dir = tempDir('bf-appinfo-')
    try {
      const first = await startTestNode({ dataDir: dir.path })
      const info = await first.node.api.getAppInfo()
      expect(info).toMatchObject({
        name: 'Blockforge',
        version: pkg.version,
        protocolVersion: 1,
        node: process.versions.node,
        platform: `${process.platform} ${process.arch}`,
        dataDir: dir.path,
        walletFile: join(dir.path, 'wallet.json'),
        // Outside Electron, and without a shell to name its log folder.
        electron: null,
        chrome: null,
        logDir: null,
        walletCreated: true
      })
      expect(existsSync(info.walletFile)).toBe(true)
      await first.stop()
      // The same data dir again: the wallet was there already.
      const again = await startTestNode({ dataDir: dir.path })
      expect((await again.node.api.getAppInfo()).walletCreated).toBe(false)
      await again.stop()
    } finally {
      dir.remove()
    }
  })
})

describe('notifications and first-run settings', () => {
  it('start as notifications on and the first run not seen, and are kept in the data dir across a restart', async () => {
    const dir = tempDir('bf-settings-')
    try {
      const a = await startTestNode({ dataDir: dir.path })
      expect(await a.node.api.getSettings()).toMatchObject({
        notifications: true,
        welcomeSeen: false
      })
      const r = await a.node.api.updateSettings({ notifications: false, welcomeSeen: true })
      expect(r).toMatchObject({ ok: true, value: { notifications: false, welcomeSeen: true } })
      await a.stop()
      const b = await startTestNode({ dataDir: dir.path })
      expect(await b.node.api.getSettings()).toMatchObject({
        notifications: false,
        welcomeSeen: true
      })
      expect(await b.node.api.updateSettings({ notifications: true })).toMatchObject({
        ok: true,
        value: { notifications: true, welcomeSeen: true }
      })
      await b.stop()
    } finally {
      dir.remove()
    }
  })

  it('refuses a switch value that is not true or false, and saves nothing of that change', async () => {
    const { node } = await startTestNode()
    // @ts-expect-error: a hostile caller can send anything
    expect(await node.api.updateSettings({ theme: 'dark', welcomeSeen: 'yes' })).toMatchObject({
      ok: false,
      error: 'invalid_field'
    })
    // @ts-expect-error: as above
    expect(await node.api.updateSettings({ notifications: 1 })).toMatchObject({
      ok: false,
      error: 'invalid_field'
    })
    expect(await node.api.getSettings()).toMatchObject({
      theme: 'light',
      notifications: true,
      welcomeSeen: false
    })
  })

  it('pushes the settings event with the new values, so every open window follows', async () => {
    const { node } = await startTestNode()
    const pushed: boolean[] = []
    node.subscribe((e) => {
      if (e.type === 'settings') pushed.push(e.settings.welcomeSeen)
    })
    await node.api.updateSettings({ welcomeSeen: true })
    expect(pushed).toEqual([true])
  })
})

describe('notice events', () => {
  it('tells of a block this node mined, with its index and reward', async () => {
    const { node } = await startTestNode()
    const seen = notices(node.subscribe)
    const mined = await node.api.mineOnce()
    expect(mined.ok).toBe(true)
    if (!mined.ok) return
    await waitFor(() => seen.length > 0, 'a notice')
    expect(seen).toEqual([
      {
        kind: 'mined',
        index: mined.value.index,
        hash: mined.value.hash,
        reward: mined.value.reward
      }
    ])
  })

  it("tells of coins received once, not again when a reorganisation connects the transfer in another block, and not of others' blocks", async () => {
    const { node } = await startTestNode()
    const me = node.service.wallet.address
    const seen = notices(node.subscribe)
    const submit = (b: Parameters<typeof node.service.submitBlock>[0]) => {
      const o = node.service.submitBlock(b)
      expect(o.kind, JSON.stringify(o)).toBe('accepted')
    }
    // Alice mines two blocks (another miner: no notice), then pays this node's wallet 5 coins.
    const x = new ChainBuilder({ payTo: alice.address })
    x.mineMany(2).forEach(submit)
    const y = x.fork(carol.address)
    const pay = x.transfer(alice, me, 5, 1)
    submit(x.mine([pay]))
    expect(seen).toEqual([
      { kind: 'received', txId: pay.id, amount: 5, sender: alice.address, blockIndex: x.tip.index }
    ])
    // A heavier branch carrying the same transfer: the node reorganises onto it, the transfer is
    // connected again (in the side branch's block) and must not be told of twice.
    const side = [y.mine([pay]), y.mine()]
    submit(side[0])
    submit(side[1])
    expect(node.service.chain.tip().hash).toBe(side[1].hash)
    // And back onto the first branch, made heavier still.
    x.mineMany(2).forEach(submit)
    expect(node.service.chain.tip().hash).toBe(x.tip.hash)
    expect(seen).toHaveLength(1)
    // A block paying the wallet as its miner (coinbase) is not "received from another address".
    submit(x.mine([], { payTo: me }))
    // A new transfer is.
    const more = x.transfer(alice, me, 7, 0)
    submit(x.mine([more]))
    expect(seen.map((n) => n.kind === 'received' && n.txId)).toEqual([pay.id, more.id])
    expect(seen.some((n) => n.kind === 'mined')).toBe(false)
  })
})
