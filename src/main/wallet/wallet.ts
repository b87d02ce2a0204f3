/**
 * The node's wallet: one Ed25519 key per data dir, created on first start and stored with
 * owner-only permissions (0600). It signs transfers; the key never leaves the main process.
 */
import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  linkSync,
  lstatSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import {
  addressOf,
  isHash,
  isObject,
  publicKeyFromSeed,
  signEd25519,
  txId,
  txSigningBytes,
  type Transaction
} from '../core'
export const WALLET_FILE = 'wallet.json'

/**
 * wallet.json exists but is not a wallet the node can read; it is never overwritten. (Here, not
 * with the store's faults: the store sits above the wallet and names its file.)
 */
export class WalletFileError extends Error {
  constructor(file: string, problem: string) {
    super(
      `the wallet file ${file} ${problem}; the node did not start and left it untouched. Restore it from a ` +
        `backup, or move it away to start with a new wallet`
    )
    this.name = 'WalletFileError'
  }
}

interface WalletFile {
  version: 1
  /** The 32-byte Ed25519 private seed, hex. */
  seed: string
}

/** The seed in `file`, or WalletFileError saying what is wrong with it. */
function readSeed(file: string): Buffer {
  let text: string
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
    text = readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e)
    throw new WalletFileError(
      file,
      code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new WalletFileError(file, text.trim() === '' ? 'is empty' : 'is not JSON')
  }
  if (!isObject(parsed)) {
    throw new WalletFileError(
      file,
      `holds ${parsed === null ? 'null' : Array.isArray(parsed) ? 'a list' : typeof parsed}, not a wallet`
    )
  }
  const w = parsed as Partial<WalletFile>
  if (w.version !== 1)
    throw new WalletFileError(file, `has version ${JSON.stringify(w.version)}, not 1`)
  // A 32-byte seed has a hash's form: 64 lowercase hex.
  if (!isHash(w.seed)) {
    throw new WalletFileError(file, 'has no valid seed (64 hex digits)')
  }
  return Buffer.from(w.seed, 'hex')
}

export class Wallet {
  readonly publicKey: string
  readonly address: string
  /** This start created the key (the data dir's first run): the first-run screen says so. */
  readonly created: boolean
  private readonly seed: Buffer

  constructor(seed: Buffer, created = false) {
    this.seed = seed
    this.created = created
    this.publicKey = publicKeyFromSeed(seed).toString('hex')
    this.address = addressOf(this.publicKey)
  }

  /**
   * Load the data dir's key, or create one. Permissions are tightened if someone loosened them.
   * A wallet file that is there but unreadable (not JSON, `null`, no seed, a folder, a dangling
   * link) is refused with WalletFileError and never replaced: it may be the only copy of a key.
   */
  static loadOrCreate(dataDir: string): Wallet {
    const file = join(dataDir, WALLET_FILE)
    // lstat, not exists: a dangling symlink "does not exist" but must not be written over.
    if (lstatSync(file, { throwIfNoEntry: false }) !== undefined) return new Wallet(readSeed(file))
    const seed = randomBytes(32)
    const body: WalletFile = { version: 1, seed: seed.toString('hex') }
    // Write, then link into place: a crash leaves either no wallet or a whole one, never half a
    // key, and unlike rename a link never replaces a wallet that appeared meanwhile (EEXIST).
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(body) + '\n', { mode: 0o600 })
    try {
      linkSync(tmp, file)
    } finally {
      unlinkSync(tmp)
    }
    return new Wallet(seed, true)
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
