/**
 * ApiResult.error is a union of the codes the UI API really answers with (ApiErrorCode in
 * src/shared/api.ts), not any string: the rule codes (the node's RuleCode, copied into the
 * shared contract and held equal here), why a URL did not become a peer, and the API's own
 * invalid_field, not_found and unavailable. The UI's words for them (i18n `outcomes.codes`) are a
 * record over that union, so a code cannot be added without words. The type checks run in
 * `npm run typecheck`; the last test asks a real regtest node for refusals and finds words for each.
 */
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest'
import type { RuleCode } from '../../src/main/core'
import { startNode, type RunningNode } from '../../src/main/app/run'
import en from '../../src/renderer/src/i18n/en'
import zhCN from '../../src/renderer/src/i18n/zh-CN'
import type { ApiErrorCode, ApiResult, PeerRefusal, RuleRefusal } from '../../src/shared/api'
import { freePort } from '../helpers/blackbox'
import { tempDir } from '../helpers/temp'

let node: RunningNode | undefined
let dir: ReturnType<typeof tempDir> | undefined
afterEach(async () => {
  await node?.close()
  dir?.remove()
  node = undefined
  dir = undefined
})

type Refused = Extract<ApiResult<unknown>, { ok: false }>

describe('the codes of a failed API call', () => {
  it('are a union of known codes, not any string', () => {
    expectTypeOf<Refused['error']>().toEqualTypeOf<ApiErrorCode>()
    expectTypeOf<string>().not.toExtend<Refused['error']>()
    expectTypeOf<
      PeerRefusal | 'not_found' | 'unavailable' | 'invalid_field'
    >().toExtend<ApiErrorCode>()
  })

  it("hold the protocol's rule codes exactly as the node's core names them", () => {
    expectTypeOf<RuleRefusal>().toEqualTypeOf<RuleCode>()
  })

  it('each have words in every language, and no other code has', () => {
    // The record's type says both; at run time the two languages list the same codes.
    expectTypeOf(en.outcomes.codes).toEqualTypeOf<Record<ApiErrorCode, string>>()
    expect(Object.keys(zhCN.outcomes.codes).sort()).toEqual(Object.keys(en.outcomes.codes).sort())
    for (const [code, words] of Object.entries(zhCN.outcomes.codes))
      expect(words, code).not.toBe('')
  })

  it("are what a real node's refusals carry, each with words", async () => {
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
    const api = node.api
    const refusals = [
      await api.getBlock('0'.repeat(64)),
      await api.search('not a thing'),
      await api.removePeer('http://127.0.0.1:9'),
      await api.sendTransaction({ recipient: node.service.wallet.address, amount: 5, fee: 0 }),
      await api.addPeer(`http://127.0.0.1:${await freePort()}`),
      await api.addPeer(node.url)
    ]
    const codes = refusals.map((r) => (r.ok ? 'ok' : r.error))
    expect(codes).toEqual([
      'not_found',
      'invalid_field',
      'not_found',
      'insufficient_funds',
      'unreachable',
      'this_node'
    ])
    const worded = new Set(Object.keys(en.outcomes.codes))
    for (const c of codes) expect(worded.has(c), c).toBe(true)
  })
})
