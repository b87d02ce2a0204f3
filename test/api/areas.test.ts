/**
 * The UI API divided by area (src/main/api: reads, wallet, mining, peers, settings, app-info,
 * composed by handlers.ts): every method of the contract is answered by exactly one area, so a
 * method cannot be answered twice with the later area silently winning, and the composed object
 * both transports call has every method and nothing else. On a real regtest node.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { API_AREAS } from '../../src/main/api/handlers'
import { startNode, type RunningNode } from '../../src/main/app/run'
import { API_METHODS } from '../../src/shared/api'
import { tempDir } from '../helpers/temp'

let node: RunningNode | undefined
let dir: ReturnType<typeof tempDir> | undefined

afterEach(async () => {
  await node?.close()
  dir?.remove()
  node = undefined
  dir = undefined
})

describe('the UI API by area', () => {
  it('answers every method of the contract from exactly one area', () => {
    const owners = new Map<string, string[]>()
    for (const [area, methods] of Object.entries(API_AREAS)) {
      for (const m of methods) owners.set(m, [...(owners.get(m) ?? []), area])
    }
    const twice = [...owners].filter(([, areas]) => areas.length > 1)
    expect(twice).toEqual([])
    expect([...owners.keys()].sort()).toEqual([...API_METHODS].sort())
  })

  it('gives both transports one object with every method of the contract and nothing else', async () => {
    dir = tempDir()
    node = await startNode({
      port: 0,
      host: '127.0.0.1',
      dataDir: dir.path,
      network: 'regtest',
      peers: [],
      mine: false,
      threads: 1,
      announce: false
    })
    expect(Object.keys(node.api).sort()).toEqual([...API_METHODS].sort())
    for (const m of API_METHODS) expect(typeof node.api[m], m).toBe('function')
    // A method from each area answers on the composed object.
    expect((await node.api.getStatus()).network).toBe('regtest')
    expect((await node.api.getWallet()).balance).toBe(0)
    expect((await node.api.getMining()).active).toBe(false)
    expect(await node.api.listPeers()).toEqual([])
    expect((await node.api.getSettings()).network).toBe('regtest')
    expect((await node.api.getAppInfo()).name).toBe('Blockforge')
  })
})
