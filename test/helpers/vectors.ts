/**
 * Loads test/vectors, the protocol's vectors (computed by an independent implementation, vendored
 * byte for byte: test/self-contained.test.ts). Never copy their numbers. BLOCKFORGE_VECTORS names
 * another folder of the same files.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const VECTORS_DIR = process.env.BLOCKFORGE_VECTORS ?? resolve(__dirname, '../vectors')

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadVector(name: string): any {
  return JSON.parse(readFileSync(resolve(VECTORS_DIR, name), 'utf8'))
}
