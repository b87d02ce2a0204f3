/**
 * Generates the miner's WebAssembly (PROTOCOL §4): SHA-256 of a 96-byte header for four proofs at
 * once, one 128-bit SIMD lane per proof, and writes it as base64 into
 * src/main/miner/sha256x4.wasm.ts, which is committed. So `wabt` stays a dev dependency and the
 * module loads the same way in Node, in vitest and in the Electron bundle. No C compiler, no native
 * addon.
 *
 * The generator describes one SHA-256 compression as an expression graph and lets the graph decide
 * what is computed where:
 * - a node whose inputs are all known per header (the first 64 bytes, the proof's high word) is
 *   "uniform": the scalar `prepare` export computes it once per header, midstate included, and
 *   stores it splatted for the vector code;
 * - a node that depends on the proof's low word (the only thing that differs between lanes and
 *   between tries) is "varying" and goes into the unrolled 4-lane loop of `scan`;
 * - constants fold at generation time, and only nodes that the output needs are emitted. `scan`
 *   needs just the first hash word (the early-exit test), so the last rounds shrink to that.
 *
 * Measured choices (V8 14, x86-64): the loop is bound by vector ALU throughput (~2,700 SIMD
 * instructions per 4 tries), so where constants live (inline, locals, memory) made no measurable
 * difference; `v128.bitselect` for Ch was no faster (V8 lowers it to 3 instructions too).
 *
 * Run: npm run gen:wasm  (flags for experiments: --consts=inline|local|load
 * --uniforms=local|load --out=<path> --wat=<path to also write the text>)
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import loadWabt from 'wabt'
import { DATA_OFFSET, HEADER_OFFSET, OUT_OFFSET } from '../src/main/miner/layout'

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]
const IV = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
]

type BinOp = 'add' | 'xor' | 'and' | 'or'
type ShiftOp = 'shr' | 'shl' | 'rotr'
type Op = 'const' | 'input' | 'lane' | BinOp | ShiftOp

interface Node {
  readonly id: number
  readonly op: Op
  readonly args: readonly Node[]
  /** const: the value; input: the header word's index; shifts: the bit count. */
  readonly imm: number
  /** Equal in all lanes and all tries: computed once per header by `prepare`. */
  readonly uniform: boolean
  /** Longest chain of lane-dependent operations behind it; sums add the shallow terms first. */
  readonly depth: number
}

const FOLD: Record<BinOp | ShiftOp, (a: number, b: number) => number> = {
  add: (a, b) => (a + b) >>> 0,
  xor: (a, b) => (a ^ b) >>> 0,
  and: (a, b) => (a & b) >>> 0,
  or: (a, b) => (a | b) >>> 0,
  shr: (a, n) => a >>> n,
  shl: (a, n) => (a << n) >>> 0,
  rotr: (a, n) => ((a >>> n) | (a << (32 - n))) >>> 0
}

/** A hash-consed expression graph: equal expressions are one node, so reuse comes for free. */
class Graph {
  readonly nodes: Node[] = []
  private readonly cache = new Map<string, Node>()

  private make(op: Op, args: Node[], imm: number): Node {
    const key = `${op}:${imm}:${args.map((a) => a.id).join(',')}`
    const known = this.cache.get(key)
    if (known) return known
    const uniform = op !== 'lane' && args.every((a) => a.uniform)
    const depth = uniform ? 0 : op === 'lane' ? 1 : 1 + Math.max(...args.map((a) => a.depth))
    const node: Node = { id: this.nodes.length, op, args, imm, uniform, depth }
    this.nodes.push(node)
    this.cache.set(key, node)
    return node
  }

  const(value: number): Node {
    return this.make('const', [], value >>> 0)
  }

  input(word: number): Node {
    return this.make('input', [], word)
  }

  lane(): Node {
    return this.make('lane', [], 0)
  }

  bin(op: BinOp, a: Node, b: Node): Node {
    if (a.op === 'const' && b.op === 'const') return this.const(FOLD[op](a.imm, b.imm))
    const zero = (n: Node): boolean => n.op === 'const' && n.imm === 0
    // The second block is mostly zero padding, so these identities remove real work.
    if (op === 'and' && (zero(a) || zero(b))) return this.const(0)
    if (op !== 'and' && zero(b)) return a
    if (op !== 'and' && zero(a)) return b
    return this.make(op, [a, b], 0)
  }

  shift(op: ShiftOp, a: Node, n: number): Node {
    if (a.op === 'const') return this.const(FOLD[op](a.imm, n))
    // WebAssembly SIMD has no lane rotate: two shifts and an or. Scalar code keeps i32.rotr.
    if (op === 'rotr' && !a.uniform) {
      return this.bin('or', this.shift('shr', a, n), this.shift('shl', a, 32 - n))
    }
    return this.make(op, [a], n)
  }

  xor(a: Node, b: Node): Node {
    return this.bin('xor', a, b)
  }

  and(a: Node, b: Node): Node {
    return this.bin('and', a, b)
  }

  /**
   * Sum mod 2^32. Constant and uniform terms are added first, once per header, so they cost the
   * loop a single add; lane-dependent terms follow, the ones ready earliest first.
   */
  sum(...terms: Node[]): Node {
    let constant = 0
    let uniform: Node | null = null
    const varying: Node[] = []
    for (const t of terms) {
      if (t.op === 'const') constant = (constant + t.imm) >>> 0
      else if (t.uniform) uniform = uniform ? this.bin('add', uniform, t) : t
      else varying.push(t)
    }
    if (constant !== 0)
      uniform = uniform ? this.bin('add', uniform, this.const(constant)) : this.const(constant)
    varying.sort((x, y) => x.depth - y.depth)
    let acc = uniform
    for (const v of varying) acc = acc ? this.bin('add', acc, v) : v
    return acc ?? this.const(0)
  }
}

function bigSigma(g: Graph, x: Node, r1: number, r2: number, r3: number): Node {
  return g.xor(g.xor(g.shift('rotr', x, r1), g.shift('rotr', x, r2)), g.shift('rotr', x, r3))
}

function smallSigma(g: Graph, x: Node, r1: number, r2: number, s: number): Node {
  return g.xor(g.xor(g.shift('rotr', x, r1), g.shift('rotr', x, r2)), g.shift('shr', x, s))
}

/** FIPS 180-4 SHA-256 compression of one 16-word block from chaining value `h`. */
function compress(g: Graph, h: readonly Node[], block: readonly Node[]): Node[] {
  const w = [...block]
  let [a, b, c, d, e, f, gg, hh] = h
  for (let t = 0; t < 64; t++) {
    // Expand the schedule word just before its round: the emitter follows creation order, and
    // computing all 48 words up front would keep them all live at once (spills in the loop).
    if (t >= 16) {
      const s0 = smallSigma(g, w[t - 15], 7, 18, 3)
      const s1 = smallSigma(g, w[t - 2], 17, 19, 10)
      w.push(g.sum(s1, w[t - 7], s0, w[t - 16]))
    }
    // Ch as g ^ (e & (f ^ g)): 3 operations. (v128.bitselect measured no faster: V8 emits 3 too.)
    const ch = g.xor(gg, g.and(e, g.xor(f, gg)))
    const t1 = g.sum(hh, bigSigma(g, e, 6, 11, 25), ch, g.const(K[t]), w[t])
    // Maj via (a^b) & (b^c): b^c is the previous round's a^b, and hash-consing shares it.
    const maj = g.xor(b, g.and(g.xor(a, b), g.xor(b, c)))
    const t2 = g.sum(bigSigma(g, a, 2, 13, 22), maj)
    hh = gg
    gg = f
    f = e
    e = g.sum(d, t1)
    d = c
    c = b
    b = a
    a = g.sum(t1, t2)
  }
  return [a, b, c, d, e, f, gg, hh].map((v, i) => g.sum(h[i], v))
}

/** The 96-byte header's hash as a graph: inputs are header words 0..22, the lane is word 23. */
function headerHash(g: Graph): Node[] {
  const words = Array.from({ length: 23 }, (_, i) => g.input(i))
  const midstate = compress(
    g,
    IV.map((v) => g.const(v)),
    words.slice(0, 16)
  )
  // Second block: header bytes 64..95, then the 0x80 pad byte, zeros and the length, 768 bits.
  const second = [...words.slice(16, 23), g.lane(), g.const(0x80000000)]
  while (second.length < 15) second.push(g.const(0))
  second.push(g.const(96 * 8))
  return compress(g, midstate, second)
}

/** Nodes reached from `roots` through nodes where `inside` holds, in topological order. */
function collect(roots: readonly Node[], inside: (n: Node) => boolean): Node[] {
  const seen = new Set<Node>()
  const stack = roots.filter(inside)
  while (stack.length > 0) {
    const n = stack.pop()!
    if (seen.has(n)) continue
    seen.add(n)
    for (const a of n.args) if (inside(a)) stack.push(a)
  }
  return [...seen].sort((x, y) => x.id - y.id)
}

function useCounts(nodes: readonly Node[], roots: readonly Node[]): Map<Node, number> {
  const uses = new Map<Node, number>()
  for (const n of [...nodes.flatMap((x) => x.args), ...roots]) uses.set(n, (uses.get(n) ?? 0) + 1)
  return uses
}

const hex = (v: number): string => '0x' + v.toString(16).padStart(8, '0')

export interface GenerateOptions {
  /** Where the loop gets round constants: inline `v128.const`, locals set before it, or memory. */
  consts?: 'inline' | 'local' | 'load'
  /** Where the loop gets per-header values: locals loaded before the loop, or memory each time. */
  uniforms?: 'local' | 'load'
}

/** Accumulates the module-wide parts: the data segment and the per-header value slots. */
class ModuleLayout {
  private readonly constSlots = new Map<number, number>()
  private readonly uniformSlots = new Map<Node, number>()
  private next = DATA_OFFSET

  constSlot(value: number): number {
    let at = this.constSlots.get(value)
    if (at === undefined) {
      at = this.next
      this.next += 16
      this.constSlots.set(value, at)
    }
    return at
  }

  uniformSlot(n: Node): number {
    let at = this.uniformSlots.get(n)
    if (at === undefined) {
      at = this.next
      this.next += 16
      this.uniformSlots.set(n, at)
    }
    return at
  }

  get uniforms(): Node[] {
    return [...this.uniformSlots.keys()]
  }

  get end(): number {
    return this.next
  }

  dataSegment(): string {
    if (this.constSlots.size === 0) return ''
    const bytes = Buffer.alloc(this.end - DATA_OFFSET)
    for (const [value, at] of this.constSlots) {
      for (let lane = 0; lane < 4; lane++) bytes.writeUInt32LE(value, at - DATA_OFFSET + 4 * lane)
    }
    // Only the constant vectors sit in the segment; the uniform slots after them start as zeros.
    const used = Math.max(...this.constSlots.values()) + 16 - DATA_OFFSET
    const text = [...bytes.subarray(0, used)]
      .map((b) => '\\' + b.toString(16).padStart(2, '0'))
      .join('')
    return `  (data (i32.const ${DATA_OFFSET}) "${text}")`
  }
}

const SIMD_OP: Record<BinOp | 'shr' | 'shl', string> = {
  add: 'i32x4.add',
  xor: 'v128.xor',
  and: 'v128.and',
  or: 'v128.or',
  shr: 'i32x4.shr_u',
  shl: 'i32x4.shl'
}

/** Emits the lane-dependent part of the graph as 4-lane code: shared nodes in locals. */
class SimdEmitter {
  readonly locals: string[] = []
  readonly prologue: string[] = []
  readonly body: string[] = []
  private readonly materialized = new Set<Node>()
  private readonly constLocals = new Map<number, string>()
  private readonly uniformLocals = new Map<Node, string>()

  constructor(
    private readonly layout: ModuleLayout,
    private readonly opts: Required<GenerateOptions>
  ) {}

  /** Emits code for every lane-dependent node that `roots` need; returns the roots' expressions. */
  emit(roots: readonly Node[]): string[] {
    const nodes = collect(roots, (n) => !n.uniform && n.op !== 'lane')
    const uses = useCounts(nodes, roots)
    for (const n of nodes) {
      if ((uses.get(n) ?? 0) < 2) continue
      this.locals.push(`(local $v${n.id} v128)`)
      this.body.push(`(local.set $v${n.id} ${this.expr(n)})`)
      this.materialized.add(n)
    }
    return roots.map((r) => this.expr(r))
  }

  private expr(n: Node): string {
    if (n.op === 'const') return this.constant(n.imm)
    if (n.uniform) return this.uniform(n)
    if (n.op === 'lane') return '(local.get $lane)'
    if (this.materialized.has(n)) return `(local.get $v${n.id})`
    const op = n.op as BinOp | 'shr' | 'shl'
    if (op === 'shr' || op === 'shl') {
      return `(${SIMD_OP[op]} ${this.expr(n.args[0])} (i32.const ${n.imm}))`
    }
    return `(${SIMD_OP[op]} ${this.expr(n.args[0])} ${this.expr(n.args[1])})`
  }

  private constant(value: number): string {
    const inline = `(v128.const i32x4 ${hex(value)} ${hex(value)} ${hex(value)} ${hex(value)})`
    if (this.opts.consts === 'inline') return inline
    if (this.opts.consts === 'load')
      return `(v128.load offset=${this.layout.constSlot(value)} (i32.const 0))`
    let name = this.constLocals.get(value)
    if (!name) {
      name = `$k${hex(value)}`
      this.constLocals.set(value, name)
      this.locals.push(`(local ${name} v128)`)
      this.prologue.push(`(local.set ${name} ${inline})`)
    }
    return `(local.get ${name})`
  }

  private uniform(n: Node): string {
    const load = `(v128.load offset=${this.layout.uniformSlot(n)} (i32.const 0))`
    if (this.opts.uniforms === 'load') return load
    let name = this.uniformLocals.get(n)
    if (!name) {
      name = `$u${n.id}`
      this.uniformLocals.set(n, name)
      this.locals.push(`(local ${name} v128)`)
      this.prologue.push(`(local.set ${name} ${load})`)
    }
    return `(local.get ${name})`
  }
}

const SCALAR_OP: Record<BinOp | ShiftOp, string> = {
  add: 'i32.add',
  xor: 'i32.xor',
  and: 'i32.and',
  or: 'i32.or',
  shr: 'i32.shr_u',
  shl: 'i32.shl',
  rotr: 'i32.rotr'
}

/** `prepare`: computes every per-header value the vector code reads and stores it splatted. */
function emitPrepare(layout: ModuleLayout): string {
  const stores = layout.uniforms
  const nodes = collect(stores, (n) => n.op !== 'const' && n.op !== 'input')
  const uses = useCounts(nodes, stores)
  const locals: string[] = []
  const body: string[] = []
  const materialized = new Set<Node>()
  const expr = (n: Node): string => {
    if (n.op === 'const') return `(i32.const ${hex(n.imm)})`
    if (n.op === 'input') return `(i32.load offset=${HEADER_OFFSET + 4 * n.imm} (i32.const 0))`
    if (materialized.has(n)) return `(local.get $s${n.id})`
    const op = SCALAR_OP[n.op as BinOp | ShiftOp]
    const second = n.args.length === 2 ? expr(n.args[1]) : `(i32.const ${n.imm})`
    return `(${op} ${expr(n.args[0])} ${second})`
  }
  for (const n of nodes) {
    if ((uses.get(n) ?? 0) < 2) continue
    locals.push(`(local $s${n.id} i32)`)
    body.push(`(local.set $s${n.id} ${expr(n)})`)
    materialized.add(n)
  }
  for (const n of stores) {
    body.push(`(v128.store offset=${layout.uniformSlot(n)} (i32.const 0) (i32x4.splat ${expr(n)}))`)
  }
  return func('(func (export "prepare")', locals, body)
}

function func(head: string, locals: string[], body: string[]): string {
  return [
    `  ${head}`,
    ...locals.map((l) => `    ${l}`),
    ...body.map((b) => `    ${b}`),
    '  )'
  ].join('\n')
}

const LANE_INIT = '(i32x4.add (i32x4.splat (local.get $lo)) (v128.const i32x4 0 1 2 3))'

/**
 * `scan(lo, groups, mask) -> i32`: tries proofs lo, lo+1, ... four at a time for `groups` groups
 * (the proof's high word is the one `prepare` saw; the caller keeps lo + 4 * groups <= 2^32).
 * Returns the index of the first group in which some lane's first hash word has no bit of `mask`
 * set, after storing that group's four first words at OUT_OFFSET; -1 if none did.
 */
function emitScan(
  hash: readonly Node[],
  layout: ModuleLayout,
  opts: Required<GenerateOptions>
): {
  text: string
  loopOps: number
} {
  const e = new SimdEmitter(layout, opts)
  const [first] = e.emit([hash[0]])
  const loop = [
    ...e.body,
    `(local.set $x ${first})`,
    // all_true(x & mask) is 0 when some lane has none of the masked bits: a candidate.
    '(if (i32.eqz (i32x4.all_true (v128.and (local.get $x) (local.get $mask4))))',
    `  (then (v128.store offset=${OUT_OFFSET} (i32.const 0) (local.get $x))`,
    '        (return (local.get $i))))',
    '(local.set $lane (i32x4.add (local.get $lane) (v128.const i32x4 4 4 4 4)))',
    '(local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '(br_if $next (i32.lt_u (local.get $i) (local.get $groups)))'
  ]
  const body = [
    ...e.prologue,
    `(local.set $lane ${LANE_INIT})`,
    '(local.set $mask4 (i32x4.splat (local.get $mask)))',
    '(if (i32.eqz (local.get $groups)) (then (return (i32.const -1))))',
    '(loop $next',
    ...loop.map((l) => '  ' + l),
    ')',
    '(i32.const -1)'
  ]
  const locals = [
    '(local $i i32)',
    '(local $lane v128)',
    '(local $mask4 v128)',
    '(local $x v128)',
    ...e.locals
  ]
  const head =
    '(func (export "scan") (param $lo i32) (param $groups i32) (param $mask i32) (result i32)'
  const loopOps = loop.join('\n').match(/\((i32x4|v128)\.[a-z_]+/g)?.length ?? 0
  return { text: func(head, locals, body), loopOps }
}

/** `digest4(lo)`: the full hash of proofs lo..lo+3, word w of lane k at OUT_OFFSET + 16w + 4k. */
function emitDigest4(
  hash: readonly Node[],
  layout: ModuleLayout,
  opts: Required<GenerateOptions>
): string {
  const e = new SimdEmitter(layout, opts)
  const outs = e.emit(hash)
  const body = [
    ...e.prologue,
    `(local.set $lane ${LANE_INIT})`,
    ...e.body,
    ...outs.map((x, w) => `(v128.store offset=${OUT_OFFSET + 16 * w} (i32.const 0) ${x})`)
  ]
  return func('(func (export "digest4") (param $lo i32)', ['(local $lane v128)', ...e.locals], body)
}

export interface Generated {
  wat: string
  wasm: Uint8Array
  /** The TypeScript module to commit. */
  source: string
  /** SIMD instructions per loop iteration, i.e. per four tries. */
  loopOps: number
}

export const DEFAULT_OPTIONS: Required<GenerateOptions> = { consts: 'inline', uniforms: 'local' }

/** Builds the WAT text, assembles it with wabt, wraps the bytes in a TS module. Deterministic. */
export async function generate(options: GenerateOptions = {}): Promise<Generated> {
  const opts: Required<GenerateOptions> = {
    consts: options.consts ?? DEFAULT_OPTIONS.consts,
    uniforms: options.uniforms ?? DEFAULT_OPTIONS.uniforms
  }
  const g = new Graph()
  const hash = headerHash(g)
  const layout = new ModuleLayout()
  const scan = emitScan(hash, layout, opts)
  const digest4 = emitDigest4(hash, layout, opts)
  // prepare last: it stores every per-header slot that scan and digest4 asked for.
  const prepare = emitPrepare(layout)
  if (layout.end > 65536) throw new Error(`data area overflows the one memory page: ${layout.end}`)
  const wat = [
    '(module',
    '  (memory (export "memory") 1)',
    layout.dataSegment(),
    prepare,
    scan.text,
    digest4,
    ')'
  ]
    .filter((l) => l !== '')
    .join('\n')
  const wabt = await loadWabt()
  const mod = wabt.parseWat('sha256x4.wat', wat, { simd: true })
  try {
    mod.validate()
    const wasm = mod.toBinary({}).buffer
    return { wat, wasm, source: tsModule(wasm, scan.loopOps, opts), loopOps: scan.loopOps }
  } finally {
    mod.destroy()
  }
}

function tsModule(wasm: Uint8Array, loopOps: number, opts: Required<GenerateOptions>): string {
  const b64 = Buffer.from(wasm).toString('base64')
  const chunks = b64.match(/.{1,92}/g) ?? []
  const digest = createHash('sha256').update(wasm).digest('hex')
  return [
    '// Generated by scripts/gen-miner-wasm.ts (npm run gen:wasm). Do not edit: regenerate.',
    `// ${wasm.length} bytes, sha256 ${digest}`,
    `// ${loopOps} SIMD instructions per 4 tries; consts=${opts.consts} uniforms=${opts.uniforms}`,
    '',
    '/** The 4-lane SHA-256 miner module (exports memory, prepare, scan, digest4), base64. */',
    'export const SHA256X4_WASM_BASE64 =',
    chunks.map((c) => `  '${c}'`).join(' +\n'),
    ''
  ].join('\n')
}

export const OUTPUT_PATH = fileURLToPath(
  new URL('../src/main/miner/sha256x4.wasm.ts', import.meta.url)
)

async function main(): Promise<void> {
  const flags = Object.fromEntries(
    process.argv.slice(2).map((a) => {
      const m = /^--([a-z]+)=(.*)$/.exec(a)
      if (!m) throw new Error(`unknown argument ${a}`)
      return [m[1], m[2]]
    })
  )
  const out = flags.out ?? OUTPUT_PATH
  const started = performance.now()
  const gen = await generate({ consts: flags.consts, uniforms: flags.uniforms } as GenerateOptions)
  writeFileSync(out, gen.source)
  if (flags.wat) writeFileSync(flags.wat, gen.wat)
  const ms = (performance.now() - started).toFixed(0)
  console.log(
    `wrote ${out}: ${gen.wasm.length} bytes, ${gen.loopOps} SIMD ops per 4 tries, ${ms} ms`
  )
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e)
    process.exit(1)
  })
}
