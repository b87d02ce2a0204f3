/**
 * The node's wallet: one Ed25519 key per data dir, created on first start and stored with
 * owner-only permissions (0600). It signs transfers; the key never leaves the main process.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  addressOf,
  publicKeyFromSeed,
  signEd25519,
  txId,
  txSigningBytes,
  type Transaction
} from '../core'

export const WALLET_FILE = 'wallet.json'

interface WalletFile {
  version: 1
  /** The 32-byte Ed25519 private seed, hex. */
  seed: string
}

export class Wallet {
  readonly publicKey: string
  readonly address: string
  private readonly seed: Buffer

  constructor(seed: Buffer) {
    this.seed = seed
    this.publicKey = publicKeyFromSeed(seed).toString('hex')
    this.address = addressOf(this.publicKey)
  }

  /** Load the data dir's key, or create one. Permissions are tightened if someone loosened them. */
  static loadOrCreate(dataDir: string): Wallet {
    const file = join(dataDir, WALLET_FILE)
    if (existsSync(file)) {
      if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as WalletFile
      if (parsed.version !== 1 || !/^[0-9a-f]{64}$/.test(parsed.seed)) {
        throw new Error(`${file} is not a Blockforge wallet file`)
      }
      return new Wallet(Buffer.from(parsed.seed, 'hex'))
    }
    const seed = randomBytes(32)
    const body: WalletFile = { version: 1, seed: seed.toString('hex') }
    // Write then rename: a crash leaves either no wallet or a whole one, never half a key.
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(body) + '\n', { mode: 0o600 })
    renameSync(tmp, file)
    return new Wallet(seed)
  }

  /** A signed transfer from this wallet on the network named by `genesisHash`. */
  transfer(
    to: { recipient: string; amount: number; fee: number; nonce: number },
    genesisHash: string
  ): Transaction {
    const body = { sender: this.address, ...to }
    return {
      ...body,
      id: txId(body, genesisHash),
      publicKey: this.publicKey,
      signature: signEd25519(this.seed, txSigningBytes(body, genesisHash))
    }
  }
}
