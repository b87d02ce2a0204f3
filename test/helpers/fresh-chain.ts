/** A chain, or a whole NodeService, on a real SQLite store in a temp folder, closed and removed when the test ends. */
import { onTestFinished } from 'vitest'
import type { ChainOptions } from '../../src/main/chain/chain'
import { NETWORKS } from '../../src/main/core'
import { NodeService, type NodeServiceOptions } from '../../src/main/node/service'
import { openChain, type OpenedChain } from './chain-builder'
import { tempDir } from './temp'

export function freshChain(opts: ChainOptions = {}): OpenedChain {
  const dir = tempDir()
  const c = openChain(dir.path, opts)
  onTestFinished(() => {
    c.close()
    dir.remove()
  })
  return c
}

/** A NodeService on a temp data dir (regtest unless said), closed and removed when the test ends. */
export function freshService(opts: Partial<NodeServiceOptions> = {}): NodeService {
  const dir = tempDir()
  const svc = NodeService.open({ network: NETWORKS.regtest, ...opts, dataDir: dir.path })
  onTestFinished(() => {
    svc.close()
    dir.remove()
  })
  return svc
}
