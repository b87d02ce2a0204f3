/**
 * Child process for the store tests (started as `process.execPath --import tsx kill-writer.ts ...`).
 *
 *   write <dataDir> <blocks.json>   open the store with SqliteStore + Chain, print "ready", then
 *                                   submit the wire blocks of the file in order, printing
 *                                   "accepted <hash> <tipHash>" after each new one is stored
 *                                   (stdout to a pipe is synchronous on Linux, so a printed line
 *                                   means the block was committed), then "done".
 *   open <dataDir> <network>        try to open the store; print {"ok":true} or {"error": name}.
 *   hold <dataDir> <network>        open the store, print "ready" and keep it open until killed.
 */
import { NETWORKS, parseBlock, isNetworkName } from '../../src/main/core'
import { readFileSync } from 'node:fs'
import { Chain } from '../../src/main/chain/chain'
import { SqliteStore } from '../../src/main/store/sqlite-store'

function openStore(dataDir: string, network: string): SqliteStore {
  if (!isNetworkName(network)) throw new Error(`unknown network ${network}`)
  return SqliteStore.open({ dataDir, network, genesisHash: NETWORKS[network].genesisHash })
}

function write(dataDir: string, file: string): void {
  const wire = JSON.parse(readFileSync(file, 'utf8')) as unknown[]
  const blocks = wire.map((w) => {
    const r = parseBlock(w)
    if (!r.ok) throw new Error(r.message)
    return r.value
  })
  const store = openStore(dataDir, 'regtest')
  const chain = new Chain(store, NETWORKS.regtest)
  process.stdout.write('ready\n')
  for (const b of blocks) {
    const o = chain.submit(b)
    if (o.kind === 'accepted') process.stdout.write(`accepted ${b.hash} ${chain.tip().hash}\n`)
    else if (o.kind !== 'known') {
      process.stdout.write(`refused ${b.hash} ${JSON.stringify(o)}\n`)
      process.exit(2)
    }
  }
  store.close()
  process.stdout.write('done\n')
}

const [mode, dataDir, arg] = process.argv.slice(2)
if (mode === 'write') {
  write(dataDir, arg)
} else if (mode === 'open') {
  try {
    openStore(dataDir, arg).close()
    process.stdout.write(JSON.stringify({ ok: true }) + '\n')
  } catch (e) {
    process.stdout.write(
      JSON.stringify({ error: e instanceof Error ? e.name : String(e), message: String(e) }) + '\n'
    )
  }
} else if (mode === 'hold') {
  openStore(dataDir, arg)
  process.stdout.write('ready\n')
  setInterval(() => {}, 1 << 30)
} else {
  process.stderr.write(`usage: kill-writer.ts write|open|hold <dataDir> <blocks.json|network>\n`)
  process.exit(64)
}
