/**
 * API_METHODS (src/shared/api.ts) is the table both transports iterate over: the preload and
 * src/main/shell/ipc.ts register one IPC channel per entry, the HTTP transport one route and one
 * client function per entry. A method of NodeApi missing from it would typecheck everywhere and
 * fail only when the UI calls it ("not a function" over HTTP, no handler over IPC). These checks
 * run in `npm run typecheck` (test/ is type-checked) as well as in vitest.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  API_METHODS,
  everyRequestMethod,
  type ApiMethod,
  type NodeApi,
  type RequestMethod
} from '../../src/shared/api'

describe('the table of API methods', () => {
  it('names every request method of NodeApi, as a type', () => {
    // Fails to compile when a method is left out of API_METHODS (and at the list itself, which is
    // built with everyRequestMethod).
    expectTypeOf<ApiMethod>().toEqualTypeOf<Exclude<keyof NodeApi, 'onEvent'>>()
    expectTypeOf<ApiMethod>().toEqualTypeOf<RequestMethod>()
  })

  it('refuses, at compile time, a list that lacks a method', () => {
    // @ts-expect-error two methods are not every method: `{ missing: "getChainView" | … }`
    everyRequestMethod(['getStatus', 'listBlocks'] as const)
    // A list with all of them compiles and is the list itself.
    expect(everyRequestMethod(API_METHODS)).toBe(API_METHODS)
  })

  it('has each method once', () => {
    expect(new Set(API_METHODS).size).toBe(API_METHODS.length)
  })

  it('holds, at run time, the methods a complete record of them names', () => {
    // A Record over RequestMethod must name each method exactly once (the compiler checks both
    // ways), so its keys are the contract's methods: the table must hold exactly these.
    const methods: Record<RequestMethod, true> = {
      getStatus: true,
      listBlocks: true,
      getChainView: true,
      getBlock: true,
      inspectBlock: true,
      tamperBlock: true,
      mineCopy: true,
      cancelCopyMining: true,
      offerCopy: true,
      exportChain: true,
      importBlocks: true,
      getForkTree: true,
      getPeerForkTree: true,
      mineOnPeer: true,
      listReorgs: true,
      listRefusals: true,
      getTimeline: true,
      getBlockTransactions: true,
      getTransaction: true,
      getAddress: true,
      search: true,
      getWallet: true,
      sendTransaction: true,
      mineOnce: true,
      startMining: true,
      stopMining: true,
      getMining: true,
      listPeers: true,
      addPeer: true,
      removePeer: true,
      banPeer: true,
      unbanPeer: true,
      resolve: true,
      getFaults: true,
      setLinkFault: true,
      setIsolated: true,
      healAll: true,
      discoverLocalNodes: true,
      startLocalNode: true,
      getAppInfo: true,
      getSettings: true,
      updateSettings: true
    }
    expect([...API_METHODS].sort()).toEqual(Object.keys(methods).sort())
  })
})
