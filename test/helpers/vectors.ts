/** Loads ../shared/vectors (computed by an independent implementation). Never copy their numbers. */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const VECTORS_DIR = process.env.BLOCKFORGE_VECTORS ?? resolve(__dirname, '../../../shared/vectors')

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadVector(name: string): any {
  return JSON.parse(readFileSync(resolve(VECTORS_DIR, name), 'utf8'))
}
