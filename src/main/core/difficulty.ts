import type { NetworkParams } from './networks'

/** The timestamps a retarget needs, read off P's branch by the caller. */
export interface RetargetInput {
  readonly parentIndex: number
  readonly parentDifficulty: number
  readonly parentTimestamp: number
  /** Timestamp of A, the block at index (child index - R) on P's branch. */
  readonly oldestTimestamp: number
}

/**
 * PROTOCOL §5: whether a child at `childIndex` is a retarget height, i.e. R > 0 and (n - 1) is a
 * positive multiple of R. When it is, the caller must supply the ancestor at n - R.
 */
export function isRetargetHeight(params: NetworkParams, childIndex: number): boolean {
  const r = params.retargetInterval
  const n1 = childIndex - 1
  return r > 0 && n1 > 0 && n1 % r === 0
}

/**
 * PROTOCOL §5: expected difficulty of a child of P. Off a retarget height it is P's difficulty
 * (and `oldestTimestamp` is not looked at).
 */
export function retarget(params: NetworkParams, input: RetargetInput): number {
  if (!isRetargetHeight(params, input.parentIndex + 1)) return input.parentDifficulty
  const actual = input.parentTimestamp - input.oldestTimestamp
  const expected = (params.retargetInterval - 1) * params.targetBlockMs
  if (actual * 2 < expected) return Math.min(input.parentDifficulty + 1, 255)
  if (actual > expected * 2) return Math.max(input.parentDifficulty - 1, params.minDifficulty)
  return input.parentDifficulty
}
