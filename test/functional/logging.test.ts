/**
 * The node's log (issue #10), read from real headless nodes started as child processes exactly as
 * the command-line tests start them (node-harness runCli): a mining node says what it mines, a
 * node started with --peer says the peer was added (and the peer says it learned it), a block or
 * transaction refused over HTTP is logged with the protocol's rule code and its sender,
 * `--log-format json` writes one JSON object per line (level, time, msg), `--log-level warn`
 * (or $BLOCKFORGE_LOG_LEVEL) hides info lines, and the API token is never in the log. stdout
 * keeps only the lines scripts parse. Last, an in-process node at debug level: each HTTP answer
 * is logged without its query string.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { chainRegtest, keys, networks, signedTx } from '../helpers/blackbox'
import { captureLog } from '../helpers/log-capture'
import {
  closeAll,
  http,
  runCli,
  startTestNode,
  waitFor,
  type CliRun
} from '../helpers/node-harness'
import { tempDir } from '../helpers/temp'

const home = tempDir('bf-log-home-')
const env = { BLOCKFORGE_HOME: home.path }
const cleanup: (() => void)[] = []
const running: CliRun[] = []
afterAll(async () => {
  for (const r of running) r.child.kill('SIGKILL')
  await closeAll()
  for (const c of cleanup) c()
  home.remove()
})

function dir(): string {
  const d = tempDir('bf-log-')
  cleanup.push(d.remove)
  return d.path
}

function start(args: string[], extraEnv: NodeJS.ProcessEnv = {}): CliRun {
  const run = runCli(['--port', '0', '--data-dir', dir(), '--network', 'regtest', ...args], {
    ...env,
    ...extraEnv
  })
  running.push(run)
  return run
}

async function stop(run: CliRun): Promise<void> {
  run.child.kill('SIGTERM')
  expect((await run.exited).code).toBe(0)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = Record<string, any>
const records = (run: CliRun): Rec[] => run.stderr.map((l) => JSON.parse(l) as Rec)

/** A block of the regtest vector chain with its proof changed: its hash no longer matches. */
function tamperedBlock(): Rec {
  const b = chainRegtest.blocks[1]
  return { ...b, proof: b.proof + 1 }
}

/** A transfer signed by a vector key that owns nothing on a fresh regtest chain. */
function unfundedTx(): Rec {
  const name = Object.keys(keys)[0]
  return signedTx(name, keys[Object.keys(keys)[1]].address, 5, 1, 0, networks.regtest.genesis_hash)
}

describe('the headless node logs what it does', () => {
  it('in JSON, one object per line: start, mined blocks with the hash rate, refused data with its code and sender, stop; never the token', async () => {
    const secret = 'log-test-secret-token-123'
    const run = start(['--mine', '--threads', '1', '--log-format', 'json'], {
      BLOCKFORGE_API_TOKEN: secret
    })
    const url = await run.listening
    await waitFor(
      () => records(run).some((r) => r.module === 'miner' && /mined/.test(r.msg)),
      'a "mined" line'
    )

    const block = await http(url, '/blocks', { body: tamperedBlock() })
    expect(block.status).toBe(400)
    const tx = await http(url, '/transactions', { body: unfundedTx() })
    expect(tx.status).toBe(400)
    // The token in a query string (the UI's ?token=) and in a header: neither may reach the log.
    await http(url, `/nowhere?token=${secret}`)
    await http(url, '/mine', { headers: { authorization: `Bearer ${secret}` } })
    await waitFor(
      () =>
        records(run).some((r) => r.code === block.body.error) &&
        records(run).some((r) => r.code === tx.body.error),
      'both refusals in the log'
    )
    await waitFor(
      () =>
        records(run).some(
          (r) => /connected \d+ blocks/.test(r.msg) && r.mined > 0 && /H\/s$/.test(r.hashRate)
        ),
      'a summary of mined blocks with the hash rate',
      20_000
    )
    await stop(run)

    const recs = records(run) // every line parses, or this throws
    expect(recs.length).toBeGreaterThan(4)
    for (const r of recs) {
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(r.level)
      expect(new Date(r.time).toISOString()).toBe(r.time)
      expect(typeof r.msg).toBe('string')
    }
    const started = recs.find((r) => r.msg === 'node started')!
    expect(started).toMatchObject({
      level: 'info',
      module: 'node',
      url,
      network: 'regtest',
      apiTokenSet: true
    })
    const refusedBlock = recs.find((r) => r.code === block.body.error)!
    expect(refusedBlock).toMatchObject({ level: 'warn', module: 'chain', from: 'http', index: 2 })
    const refusedTx = recs.find((r) => r.code === tx.body.error)!
    expect(refusedTx).toMatchObject({
      level: 'info',
      module: 'chain',
      from: 'http',
      id: unfundedTx().id.slice(0, 16)
    })
    expect(recs.at(-1)).toMatchObject({ msg: 'node stopped', module: 'node' })
    expect(run.stderr.join('\n')).not.toContain(secret)
    expect(run.stdout.join('\n')).not.toContain(secret)
    // stdout: only what scripts parse.
    expect(run.stdout.every((l) => /^(listening on |the desktop UI is at )/.test(l))).toBe(true)
  })

  it('says in readable lines when a peer is added, on both sides', async () => {
    const a = start([])
    const aUrl = await a.listening
    const b = start(['--peer', aUrl])
    const bUrl = await b.listening
    const line = (url: string): RegExp =>
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  p2p: peer added peer=${url.replace(/[.:/]/g, '\\$&')}$`
      )
    await waitFor(() => b.stderr.some((l) => line(aUrl).test(l)), 'b to log "peer added" for a')
    await waitFor(
      () => a.stderr.some((l) => line(bUrl).test(l)),
      'a to log "peer added" for b (learned from its requests)'
    )
    // Not a terminal here: no colour codes in the lines.
    expect(a.stderr.join('\n')).not.toContain('\x1b[')
    await stop(b)
    await stop(a)
  })

  it('at level warn ($BLOCKFORGE_LOG_LEVEL) hides info lines and keeps warnings', async () => {
    const run = start(['--mine', '--threads', '1'], {
      BLOCKFORGE_LOG_LEVEL: 'warn',
      BLOCKFORGE_LOG_FORMAT: 'json'
    })
    const url = await run.listening
    await waitFor(async () => (await http(url, '/status')).body.index >= 5, 'a few mined blocks')
    const block = await http(url, '/blocks', { body: tamperedBlock() })
    expect(block.status).toBe(400)
    await waitFor(() => run.stderr.length > 0, 'the refusal in the log')
    await stop(run)
    const recs = records(run)
    expect(recs.map((r) => r.level)).toEqual(['warn'])
    expect(recs[0]).toMatchObject({
      code: block.body.error,
      msg: expect.stringMatching(/refused a block/)
    })
  })

  it('refuses an unknown log level or format in one line', async () => {
    for (const args of [
      ['--log-level', 'loud'],
      ['--log-format', 'xml']
    ]) {
      const run = runCli(args, env)
      expect((await run.exited).code).toBe(2)
      expect(run.stderr).toHaveLength(1)
      expect(run.stderr[0]).toMatch(new RegExp(`${args[0]} must be`))
    }
  })
})

describe('the HTTP endpoint at debug level', () => {
  it('logs each answer with method, path and status, never the query string', async () => {
    const log = captureLog('debug')
    const t = await startTestNode({ logger: log.logger })
    expect((await http(t.url, '/status?token=query-secret')).status).toBe(200)
    await waitFor(() => log.records.some((r) => r.msg === 'answered'), 'the answer in the log')
    expect(log.records.find((r) => r.msg === 'answered')).toMatchObject({
      level: 'debug',
      module: 'http',
      method: 'GET',
      url: '/status',
      status: 200
    })
    expect(JSON.stringify(log.records)).not.toContain('query-secret')
  })
})
