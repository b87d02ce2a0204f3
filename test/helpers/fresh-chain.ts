/** A chain on a real SQLite store in a temp folder, closed and removed when the test ends. */
import { onTestFinished } from 'vitest'
import type { ChainOptions } from '../../src/main/chain/chain'
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
