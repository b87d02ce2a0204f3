/** Messages between the verify pool and its workers (one file, so the two cannot drift apart). */

/**
 * 32-byte public key, 100 signing bytes (PROTOCOL §3), 64-byte signature, 32-byte claimed id:
 * an item is good when SHA-256 of the signing bytes is the id and the signature verifies.
 */
export const ITEM_BYTES = 32 + 100 + 64 + 32

export interface VerifyRequest {
  id: number
  /** n * ITEM_BYTES bytes. */
  packed: ArrayBuffer
}

export interface VerifyResponse {
  id: number
  /** One byte per item: 1 valid, 0 invalid. */
  results: Uint8Array
}
