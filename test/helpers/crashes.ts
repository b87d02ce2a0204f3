/**
 * Fail the test during which anything escaped to the process (an unhandled rejection or an
 * uncaught exception), after closing every test node: what a storage fault must never cause.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { closeAll } from './node-harness'

export function failOnProcessCrashes(): void {
  const crashes: unknown[] = []
  const onCrash = (e: unknown): void => {
    crashes.push(e)
  }
  beforeAll(() => {
    process.on('unhandledRejection', onCrash)
    process.on('uncaughtException', onCrash)
  })
  afterAll(() => {
    process.off('unhandledRejection', onCrash)
    process.off('uncaughtException', onCrash)
  })
  afterEach(async () => {
    await closeAll()
    expect(crashes.splice(0).map(String)).toEqual([])
  })
}
