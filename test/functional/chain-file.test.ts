/**
 * Export and import of a chain file against real nodes: the file the UI writes from exportChain's
 * pages is GET /chain's answer byte for byte; imported a page at a time into an empty node it
 * gives the same tip, balances and transactions, and again changes nothing. A tampered file is
 * refused at its first broken block with the rule's code, in the refusal report as an import,
 * and the blocks before it are kept; another network's file and a file that does not start at
 * this chain are refused for what they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHAIN_FILE_PAGE, type ImportOutcome } from '../../src/shared/api'
import { closeAll, http, mine, startTestNode, type TestNode } from '../helpers/node-harness'

let a: TestNode
/** A's chain file, as the UI writes it. */
let file: { chain: Record<string, unknown>[]; length: number }
let text = ''

/** The chain file of `t`, from exportChain's pages, as the UI joins them. */
async function exportFile(t: TestNode, page = CHAIN_FILE_PAGE): Promise<string> {
  const parts: string[] = []
  let length: number | undefined
  for (let from = 1; ;) {
    const r = await t.node.api.exportChain(from, page)
    if (!r.ok) throw new Error(r.message)
    length = r.value.length
    if (r.value.count === 0) break
    expect(r.value.count).toBeLessThanOrEqual(page)
    parts.push(r.value.json)
    from += r.value.count
    if (from > length) break
  }
  return `{"chain":[${parts.join(',')}],"length":${length}}`
}

async function importAll(t: TestNode, blocks: unknown[], page = 7): Promise<ImportOutcome> {
  const total: ImportOutcome = { accepted: 0, known: 0, stopped: null }
  for (let i = 0; i < blocks.length; i += page) {
    const r = await t.node.api.importBlocks(blocks.slice(i, i + page))
    if (!r.ok) throw new Error(r.message)
    total.accepted += r.value.accepted
    total.known += r.value.known
    if (r.value.stopped) {
      total.stopped = { ...r.value.stopped, at: i + r.value.stopped.at }
      break
    }
  }
  return total
}

beforeAll(async () => {
  a = await startTestNode()
  await mine(a, 3)
  for (let i = 0; i < 3; i++) {
    const r = await a.node.api.sendTransaction({
      recipient: 'cd'.repeat(20),
      amount: 2 + i,
      fee: 1
    })
    if (!r.ok) throw new Error(r.message)
  }
  await mine(a, 12)
  text = await exportFile(a, 5)
  file = JSON.parse(text)
})
afterAll(closeAll)

describe('a chain file', () => {
  it("is GET /chain's answer, byte for byte, whatever the page size", async () => {
    const chain = await http(a.url, '/chain')
    expect(text).toBe(JSON.stringify(chain.body))
    expect(file.length).toBe(16)
    expect(file.chain).toHaveLength(16)
    expect(await exportFile(a)).toBe(text)
  })

  it('imported into an empty node gives the same chain; imported again it changes nothing', async () => {
    const b = await startTestNode()
    const r = await importAll(b, file.chain)
    // Block 1 is the genesis block, which every node has.
    expect(r).toEqual({ accepted: 15, known: 1, stopped: null })
    expect(b.node.service.tip().hash).toBe(a.node.service.tip().hash)
    expect(b.node.service.account('cd'.repeat(20))).toEqual(a.node.service.account('cd'.repeat(20)))
    expect(await exportFile(b)).toBe(text)
    expect(await importAll(b, file.chain)).toEqual({ accepted: 0, known: 16, stopped: null })
  })

  it('tampered, is refused at its first broken block with the code, kept up to it and recorded', async () => {
    const b = await startTestNode()
    const blocks = structuredClone(file.chain)
    const at = blocks.findIndex((x) => (x.transactions as unknown[]).length > 1)
    const tx = (blocks[at].transactions as Record<string, number>[])[1]
    tx.amount = 999
    const r = await importAll(b, blocks)
    // The ids as written still make the root (rule 6); the transfer's id no longer matches its
    // contents (rule 7).
    expect(r.stopped).toMatchObject({
      kind: 'refused',
      at,
      index: at + 1,
      hash: blocks[at].hash,
      code: 'bad_transaction'
    })
    expect(r.accepted).toBe(at - 1)
    expect(b.node.service.tip().index).toBe(at)
    await expect
      .poll(async () => {
        const p = await b.node.api.listRefusals({}, 0, 10)
        return p.ok ? p.value.entries[0] : undefined
      })
      .toMatchObject({ what: 'block', code: 'bad_transaction', via: 'import', source: 'import' })
  })

  it("of another network, or not starting at this chain's blocks, is refused for what it is", async () => {
    const b = await startTestNode()
    const foreign = structuredClone(file.chain)
    foreign[0].hash = 'ee'.repeat(32)
    expect(await importAll(b, foreign)).toMatchObject({
      accepted: 0,
      stopped: { kind: 'refused', at: 0, index: 1, code: 'invalid_field' }
    })
    expect(await importAll(b, file.chain.slice(5))).toMatchObject({
      accepted: 0,
      stopped: { kind: 'orphan', at: 0, index: 6 }
    })
    expect(b.node.service.tip().index).toBe(1)
    const bad: unknown[] = [[], 'x', Array.from({ length: CHAIN_FILE_PAGE + 1 }, () => ({}))]
    for (const v of bad)
      expect(await b.node.api.importBlocks(v as unknown[])).toMatchObject({
        ok: false,
        error: 'invalid_field'
      })
    expect(await b.node.api.importBlocks([{ index: 2, hash: 'nope' }])).toMatchObject({
      ok: true,
      value: { accepted: 0, stopped: { kind: 'refused', at: 0, index: 2, code: 'invalid_field' } }
    })
  })
})
