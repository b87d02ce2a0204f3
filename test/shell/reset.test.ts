/**
 * "Reset This Node" on real data dirs: two profiles (`main`, `main-2`) made by real nodes in a
 * temp config root. Resetting one removes its chain files (and its wallet only when asked) and
 * nothing of the other; folders that are not a node's data dir are refused; a symbolic link is
 * removed itself, never what it points at. The whole reset closes a running node, removes its
 * chain and starts it again on the same port with a fresh chain and the same wallet.
 */
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  unlinkSync,
  writeFileSync
} from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { DB_FILE } from '../../src/main/store/sqlite-store'
import { WALLET_FILE } from '../../src/main/wallet/wallet'
import { resetDataDir, resetNode } from '../../src/main/shell/reset'
import { closeAll, http, mine, startTestNode, tipIndex } from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

afterEach(closeAll)

/** Every file of a folder with a hash of its contents. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex')
    ])
  )
}

/**
 * Two profiles whose nodes ran and stopped, each with a wallet and a chain: made once per file
 * with real nodes (two starts and two blocks cost more than all the tests that use them), then
 * copied for each test, which gets its own config root.
 */
let template: { dir: string; remove(): void } | undefined
async function profilesTemplate(): Promise<string> {
  if (template === undefined) {
    const t = tempDir('bf-profiles-')
    for (const name of ['main', 'main-2']) {
      const node = await startTestNode({ dataDir: join(t.path, name) })
      await mine(node, 1)
      await node.stop()
    }
    template = { dir: t.path, remove: t.remove }
  }
  return template.dir
}
afterAll(() => template?.remove())

/** A config root with two profiles whose nodes ran and stopped, each with a wallet and a chain. */
async function twoProfiles(): Promise<{ root: string; a: string; b: string }> {
  const root = tempDir('bf-root-')
  onTestFinished(root.remove)
  cpSync(await profilesTemplate(), root.path, { recursive: true })
  const a = join(root.path, 'main')
  const b = join(root.path, 'main-2')
  writeFileSync(join(a, 'notes.txt'), "mine, not the node's")
  return { root: root.path, a, b }
}

describe('resetDataDir', () => {
  it("removes the chain, keeps the wallet and the user's files, and leaves the sibling profile alone", async () => {
    const { root, a, b } = await twoProfiles()
    const sibling = snapshot(b)
    const wallet = readFileSync(join(a, WALLET_FILE), 'utf8')
    const r = resetDataDir(a, { deleteWallet: false, root })
    expect(r.ok).toBe(true)
    expect(existsSync(join(a, DB_FILE))).toBe(false)
    expect(readFileSync(join(a, WALLET_FILE), 'utf8')).toBe(wallet)
    expect(existsSync(join(a, 'notes.txt'))).toBe(true)
    expect(snapshot(b)).toEqual(sibling)
  })

  it('removes the wallet too only when asked', async () => {
    const { root, a, b } = await twoProfiles()
    const sibling = snapshot(b)
    expect(resetDataDir(a, { deleteWallet: true, root }).ok).toBe(true)
    expect(existsSync(join(a, WALLET_FILE))).toBe(false)
    expect(snapshot(b)).toEqual(sibling)
  })

  it('refuses the config root, the home folder, a file system root, a relative path and a folder without a chain', async () => {
    const { root, b } = await twoProfiles()
    const sibling = snapshot(b)
    expect(resetDataDir(root, { deleteWallet: true, root })).toMatchObject({
      ok: false,
      error: 'not_a_profile'
    })
    expect(resetDataDir(homedir(), { deleteWallet: true, root })).toMatchObject({
      ok: false,
      error: 'not_a_profile'
    })
    expect(resetDataDir('/', { deleteWallet: true, root })).toMatchObject({
      ok: false,
      error: 'not_a_profile'
    })
    expect(resetDataDir('main-2', { deleteWallet: true, root })).toMatchObject({
      ok: false,
      error: 'not_a_profile'
    })
    const empty = join(root, 'empty')
    mkdirSync(empty)
    writeFileSync(join(empty, WALLET_FILE), '{}')
    expect(resetDataDir(empty, { deleteWallet: true, root })).toMatchObject({
      ok: false,
      error: 'not_a_data_dir'
    })
    expect(existsSync(join(empty, WALLET_FILE))).toBe(true)
    expect(resetDataDir(join(root, 'missing'), { deleteWallet: true, root })).toMatchObject({
      ok: false
    })
    expect(snapshot(b)).toEqual(sibling)
  })

  it("removes a symbolic link itself, never the other profile's file it points at", async () => {
    const { root, a, b } = await twoProfiles()
    const sibling = snapshot(b)
    // Profile a's wallet is a link to profile b's wallet (a user's "sharing" of a key).
    const own = join(a, WALLET_FILE)
    unlinkSync(own)
    symlinkSync(join(b, WALLET_FILE), own)
    expect(resetDataDir(a, { deleteWallet: true, root }).ok).toBe(true)
    expect(existsSync(own)).toBe(false)
    expect(snapshot(b)).toEqual(sibling)
  })

  it('a data dir reached through ../ of another profile is that profile, checked as such', async () => {
    const { root, a, b } = await twoProfiles()
    const r = resetDataDir(join(a, '..', 'main-2'), { deleteWallet: false, root })
    expect(r.ok && r.removed.every((f) => f.startsWith(b + '/'))).toBe(true)
    expect(existsSync(join(a, DB_FILE))).toBe(true)
  })
})

describe('resetNode', () => {
  it('closes the node, removes its chain and starts it again on the same port with the same wallet', async () => {
    const root = tempDir('bf-root-')
    onTestFinished(root.remove)
    const dataDir = join(root.path, 'main')
    const first = await startTestNode({ dataDir })
    await mine(first, 2)
    expect(tipIndex(first)).toBe(3)
    const address = first.node.service.wallet.address
    const port = Number(new URL(first.url).port)
    let again: Awaited<ReturnType<typeof startTestNode>> | undefined
    const { node, result } = await resetNode(
      first.node,
      dataDir,
      { deleteWallet: false, root: root.path },
      async (p) => {
        again = await startTestNode({ dataDir, port: p })
        return again.node
      }
    )
    await first.stop()
    expect(result.ok).toBe(true)
    expect(Number(new URL(node.url).port)).toBe(port)
    expect(node.service.chain.tip().index).toBe(1)
    expect(node.service.wallet.address).toBe(address)
    const status = await http(node.url, '/status')
    expect(status.status).toBe(200)
    expect(again).toBeDefined()
  })
})
