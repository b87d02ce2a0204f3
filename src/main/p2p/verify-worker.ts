/**
 * Signature-check worker for the verify pool (verify-pool.ts). Receives packed batches of
 * (public key, signing bytes, signature, claimed id) and answers one byte per item: 1 when the
 * id is SHA-256 of the signing bytes and the Ed25519 signature verifies, checked as the chain's
 * verifyEd25519 checks it (node:crypto, strict), with each sender's key imported once.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { parentPort } from 'node:worker_threads'
import { sha256 } from '../core/crypto'
import { ITEM_BYTES, type VerifyRequest, type VerifyResponse } from './verify-protocol'

// DER prefix of a raw Ed25519 public key (RFC 8410), as core/crypto.ts imports one.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
/**
 * Imported public keys by their hex: a chain's transfers come from a few senders again and again,
 * and importing the key was about a tenth of a verification. The same node:crypto verify runs on
 * the same key, so a result is exactly verifyEd25519's; a key that does not import is not kept.
 */
const keys = new Map<string, KeyObject>()
const KEYS_KEPT = 1024

function verifyEd25519(pub: Buffer, msg: Buffer, sig: Buffer): boolean {
  const hex = pub.toString('hex')
  try {
    let key = keys.get(hex)
    if (key === undefined) {
      key = createPublicKey({
        key: Buffer.concat([SPKI_PREFIX, pub]),
        format: 'der',
        type: 'spki'
      })
      if (keys.size >= KEYS_KEPT) keys.delete(keys.keys().next().value!)
      keys.set(hex, key)
    }
    return verify(null, msg, key, sig)
  } catch {
    return false
  }
}

parentPort!.on('message', (req: VerifyRequest) => {
  const buf = Buffer.from(req.packed)
  const n = buf.length / ITEM_BYTES
  const results = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const o = i * ITEM_BYTES
    const pub = buf.subarray(o, o + 32)
    const msg = buf.subarray(o + 32, o + 132)
    const sig = buf.subarray(o + 132, o + 196)
    const id = buf.subarray(o + 196, o + ITEM_BYTES)
    results[i] = sha256(msg).equals(id) && verifyEd25519(pub, msg, sig) ? 1 : 0
  }
  const res: VerifyResponse = { id: req.id, results }
  parentPort!.postMessage(res, [results.buffer])
})
