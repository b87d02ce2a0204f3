/**
 * Refusals benchmark (issue 12): what a refused transfer costs the node, against what an
 * accepted one costs, measured in the same run.
 *
 * A regtest data dir whose wallet and a second key (alice) hold 50 coinbases each. Each round
 * opens a fresh copy (NodeService, real SQLite) and runs, one after another (so they compare
 * on the same machine state), N offers of each kind; rounds are repeated and medians taken:
 * - wallet: `sendFromWallet` (POST /transactions/new, the UI's Send) of a payable transfer
 *   (accepted) and of one the wallet cannot pay (refused insufficient_funds);
 * - signed elsewhere: `submitTransaction` (POST /transactions) of alice's transfers in nonce order
 *   (accepted), of transfers from a key with nothing (refused insufficient_funds: PROTOCOL §3 puts
 *   the signature first, so each is verified once), and of those same refused transfers offered
 *   again (as other peers relay them).
 * Each figure is offers per second of wall time, and the CPU time per offer of this process.
 *
 * `npx tsx bench/refusals.ts` prints a table and, last, one JSON line with every figure.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NETWORKS, type Transaction } from '../src/main/core'
import { NodeService, type TxOutcome } from '../src/main/node/service'
import { alice, emptyBlocks, keyFromName, signedTx } from '../test/helpers/chain-builder'
import { median, runAsScript } from './stats'

const REGTEST = NETWORKS.regtest
const N = 1000
const ROUNDS = Number(process.env.BF_BENCH_ROUNDS ?? 7)

const temps: string[] = []
function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  temps.push(d)
  return d
}

/** A data dir whose wallet and alice hold 50 coinbases each. */
function fundedDir(): string {
  const dir = temp('bf-bench-refusals-')
  const svc = NodeService.open({ dataDir: dir, network: REGTEST })
  try {
    const genesis = {
      hash: REGTEST.genesisHash,
      index: 1,
      timestamp: REGTEST.params.genesisTimestamp
    }
    const mine = emptyBlocks(genesis, 50, svc.wallet.address)
    const hers = emptyBlocks({ ...mine[49], index: mine[49].index }, 50, alice.address)
    for (const b of [...mine, ...hers]) {
      const o = svc.submitBlock(b)
      if (o.kind !== 'accepted') throw new Error(`funding block ${b.index}: ${JSON.stringify(o)}`)
    }
  } finally {
    svc.close()
  }
  return dir
}

/** Offers per second and CPU µs per offer of `n` calls of `offer`, each answered `want`. */
function timed(
  n: number,
  offer: (i: number) => TxOutcome,
  want: string
): { perS: number; cpuUs: number } {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const o = offer(i)
    const got = o.kind === 'invalid' ? o.code : o.kind
    if (got !== want) throw new Error(`offer ${i}: ${got}, expected ${want}`)
  }
  const s = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  return { perS: n / s, cpuUs: (cpu.user + cpu.system) / n }
}

export async function runRefusalsBench(
  log: (s: string) => void = console.log
): Promise<Record<string, number>> {
  try {
    const base = fundedDir()
    const recipient = keyFromName('bench-recipient').address
    const poor = keyFromName('bench-poor')
    // Signed once, outside the timed loops: a peer sends them signed.
    const paid: Transaction[] = Array.from({ length: N }, (_, i) =>
      signedTx(alice, recipient, 1, i)
    )
    const unpaid: Transaction[] = Array.from({ length: N }, (_, i) =>
      signedTx(poor, recipient, i + 1, 0)
    )
    const samples = new Map<string, { perS: number[]; cpuUs: number[] }>()
    const add = (k: string, r: { perS: number; cpuUs: number }): void => {
      const s = samples.get(k) ?? { perS: [], cpuUs: [] }
      s.perS.push(r.perS)
      s.cpuUs.push(r.cpuUs)
      samples.set(k, s)
    }
    for (let round = -1; round < ROUNDS; round++) {
      const dir = temp('bf-bench-refusals-run-')
      cpSync(base, dir, { recursive: true })
      const svc = NodeService.open({ dataDir: dir, network: REGTEST })
      try {
        const r = {
          wallet_refused: timed(
            N,
            () => svc.sendFromWallet({ recipient, amount: 1_000_000, fee: 0 }),
            'insufficient_funds'
          ),
          wallet_accepted: timed(
            N,
            () => svc.sendFromWallet({ recipient, amount: 1, fee: 0 }),
            'accepted'
          ),
          signed_refused: timed(N, (i) => svc.submitTransaction(unpaid[i]), 'insufficient_funds'),
          signed_refused_again: timed(
            N,
            (i) => svc.submitTransaction(unpaid[i]),
            'insufficient_funds'
          ),
          signed_accepted: timed(N, (i) => svc.submitTransaction(paid[i]), 'accepted')
        }
        if (round >= 0) for (const [k, v] of Object.entries(r)) add(k, v) // round -1 warms up
      } finally {
        svc.close()
      }
      rmSync(dir, { recursive: true, force: true })
    }
    const out: Record<string, number> = {}
    for (const [k, s] of samples) {
      out[`refusals_${k}_per_s`] = Math.round(median(s.perS))
      out[`refusals_${k}_cpu_us`] = +median(s.cpuUs).toFixed(1)
    }
    out.refusals_wallet_ratio = +(
      out.refusals_wallet_refused_per_s / out.refusals_wallet_accepted_per_s
    ).toFixed(2)
    out.refusals_signed_ratio = +(
      out.refusals_signed_refused_per_s / out.refusals_signed_accepted_per_s
    ).toFixed(2)
    log('')
    log(`| offers of ${N}, median of ${ROUNDS} rounds | per second | CPU per offer |`)
    log('| --- | --- | --- |')
    for (const k of samples.keys())
      log(`| ${k} | ${out[`refusals_${k}_per_s`]} | ${out[`refusals_${k}_cpu_us`]} µs |`)
    log(`| wallet: refused/s ÷ accepted/s | ${out.refusals_wallet_ratio} | |`)
    log(`| signed elsewhere: refused/s ÷ accepted/s | ${out.refusals_signed_ratio} | |`)
    return out
  } finally {
    for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true })
  }
}

runAsScript(import.meta.url, runRefusalsBench)
