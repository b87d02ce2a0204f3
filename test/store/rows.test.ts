/**
 * The store keeps each block's transactions as their wire JSON and writes a block's wire JSON
 * straight from its row (store/rows.ts: wireJson, for GET /chain and GET /blocks without
 * building block objects). That second encoder must give exactly the codec's bytes
 * (JSON.stringify(blockToWire(b))) for every block, coinbase and transfers alike, and the row
 * read back as a block must be the block stored.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { blockToWire } from '../../src/main/core'
import { buildChain, openChain, submitAll } from '../helpers/chain-builder'
import { tempDir } from '../helpers/temp'

const dir = tempDir('bf-rows-')
afterAll(() => dir.remove())

describe("the store's rows", () => {
  it("give each main-chain block's wire JSON byte for byte as the codec writes it", () => {
    const c = openChain(dir.path)
    try {
      const blocks = buildChain(12) // every third block carries transfers, with fees
      submitAll(c.chain, blocks)
      expect(blocks.some((b) => b.transactions.length > 1)).toBe(true)
      const fromRows = c.store.mainBlockJsonSlice(2, blocks.length)
      expect(fromRows).toEqual(blocks.map((b) => JSON.stringify(blockToWire(b))))
      for (const b of blocks) expect(c.store.getBlock(b.hash)).toEqual(b)
    } finally {
      c.close()
    }
  })
})
