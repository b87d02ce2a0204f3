/**
 * `npm run bench`: every benchmark of the project in one run, each figure next to a reference
 * measured in the same run on the same machine (ratios, not absolute timings). The parts run one
 * after another so they do not compete for the two cores. The last line is one JSON object with
 * every figure.
 *
 * `npm run bench -- miner store` runs only the named parts.
 */
const PARTS: Record<string, () => Promise<Record<string, number>>> = {
  flask: async () => (await import('./flask')).runFlaskBench(),
  headless: async () => (await import('./headless')).runHeadlessBench(),
  miner: async () => (await import('./miner')).runMinerBench(),
  network: async () => (await import('./network')).runNetworkBench(),
  refusals: async () => (await import('./refusals')).runRefusalsBench(),
  resources: async () => (await import('./resources')).runResourcesBench(),
  status: async () => (await import('./status')).runStatusBench(),
  store: async () => (await import('./store')).runStoreBench(),
  sync: async () => (await import('./sync')).runSyncBench(),
  ui: async () => (await import('./ui')).runUiBench()
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => a in PARTS)
  const names = wanted.length > 0 ? wanted : Object.keys(PARTS)
  const all: Record<string, number> = {}
  for (const name of names) {
    console.log(`\n=== ${name} ===`)
    const t0 = performance.now()
    Object.assign(all, await PARTS[name]())
    console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`)
  }
  console.log(JSON.stringify(all))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
