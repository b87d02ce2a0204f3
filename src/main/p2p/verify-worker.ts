/**
 * Signature-check worker for the verify pool (verify-pool.ts). Receives packed batches of
 * (public key, signing bytes, signature, claimed id) and answers one byte per item: 1 when the
 * id is SHA-256 of the signing bytes and the Ed25519 signature verifies, checked by the very
 * function the chain uses (node:crypto, strict).
 */
import { parentPort } from 'node:worker_threads'
import { sha256, verifyEd25519 } from '../core/crypto'
import { ITEM_BYTES, type VerifyRequest, type VerifyResponse } from './verify-protocol'

parentPort!.on('message', (req: VerifyRequest) => {
  const buf = Buffer.from(req.packed)
  const n = buf.length / ITEM_BYTES
  const results = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const o = i * ITEM_BYTES
    const pub = buf.subarray(o, o + 32).toString('hex')
    const msg = buf.subarray(o + 32, o + 132)
    const sig = buf.subarray(o + 132, o + 196).toString('hex')
    const id = buf.subarray(o + 196, o + ITEM_BYTES)
    results[i] = sha256(msg).equals(id) && verifyEd25519(pub, msg, sig) ? 1 : 0
  }
  const res: VerifyResponse = { id: req.id, results }
  parentPort!.postMessage(res, [results.buffer])
})
