/**
 * The walkthrough's whole session with plain HTTP against two headless nodes (`src/main/headless.ts`
 * as `npm run node` runs it, each its own process, data dir and free port): /mine,
 * /transactions/new, /chain on one; the other has mined a longer chain of its own; /nodes/register,
 * /mine on the other, then /nodes/resolve answers "Our chain was replaced" with the other's
 * chain (the nodes gossip, so the heavier chain was taken as soon as they met; resolve reports
 * it), and "Our chain is authoritative" when asked again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../../src/main/app/config'
import { http, runCli, type CliRun } from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

async function waitForTip(url: string, hash: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await http(url, '/status')).body.tip_hash === hash) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`${url} never reached ${hash}`)
}

const dirs = [tempDir('bf-walk-a-'), tempDir('bf-walk-b-'), tempDir('bf-walk-home-')]
let runs: CliRun[] = []
let a: string
let b: string

beforeAll(async () => {
  const env = { BLOCKFORGE_HOME: dirs[2].path }
  const ports = [await findFreePort(), await findFreePort()]
  runs = ports.map((port, i) =>
    runCli(
      [
        '--port',
        String(port),
        '--data-dir',
        dirs[i].path,
        '--network',
        'regtest',
        '--threads',
        '1'
      ],
      env
    )
  )
  ;[a, b] = await Promise.all(runs.map((r) => r.listening))
  expect(a).toBe(`http://127.0.0.1:${ports[0]}`)
}, 60_000)

afterAll(async () => {
  for (const r of runs) r.child.kill('SIGTERM')
  await Promise.all(runs.map((r) => r.exited))
  for (const d of dirs) d.remove()
})

describe('the walkthrough session', () => {
  it('runs /mine, /transactions/new, /chain, /nodes/register, /mine, /nodes/resolve', async () => {
    const mined = await http(a, '/mine')
    expect(mined.status).toBe(200)
    expect(mined.body).toMatchObject({ message: 'New Block Forged', index: 2 })
    expect(Object.keys(mined.body).sort()).toEqual([
      'hash',
      'index',
      'message',
      'previous_hash',
      'proof',
      'transactions'
    ])

    const recipient = 'd4ee26eee15148ee92c6cd394edd974e7f5d9a3f'
    const sent = await http(a, '/transactions/new', { body: { recipient, amount: 5 } })
    expect(sent.status).toBe(201)
    expect(sent.body.message).toBe('Transaction will be added to Block 3')

    const chain = await http(a, '/chain')
    expect(chain.status).toBe(200)
    expect(chain.body.length).toBe(2)
    expect(chain.body.chain.map((x: { index: number }) => x.index)).toEqual([1, 2])

    // b mines a longer chain of its own before the two meet.
    for (let i = 0; i < 3; i++) expect((await http(b, '/mine')).status).toBe(200)

    const reg = await http(a, '/nodes/register', { body: { nodes: [b] } })
    expect(reg.status).toBe(201)
    expect(reg.body.message).toBe('New nodes have been added')
    expect(reg.body.total_nodes).toEqual([b])

    const minedB = await http(b, '/mine')
    expect(minedB.status).toBe(200)
    const bChain = (await http(b, '/chain')).body.chain
    expect(bChain).toHaveLength(5)
    // b's new block is pushed to a, which has already moved onto b's chain.
    await waitForTip(a, minedB.body.hash)

    const resolved = await http(a, '/nodes/resolve')
    expect(resolved.status).toBe(200)
    expect(resolved.body).toEqual({ message: 'Our chain was replaced', new_chain: bChain })
    expect((await http(a, '/chain')).body.chain).toEqual(bChain)

    const again = await http(a, '/nodes/resolve')
    expect(again.body).toEqual({ message: 'Our chain is authoritative', chain: bChain })
  })
})
