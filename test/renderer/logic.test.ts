// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { ChainNode } from '@shared/api'
import { layoutChain } from '@renderer/composables/chainLayout'
import { forkColumns, mainBefore } from '@renderer/composables/forkTree'
import { checkSend, isSendable } from '@renderer/composables/sendForm'
import { formatBytes, formatHashRate, shortHash } from '@renderer/composables/useFormat'
import { hrefTo, linkTo } from '@renderer/composables/links'
import { shownFacts } from '@renderer/composables/facts'
import { createAppRouter } from '@renderer/router'

const node = (index: number, hash: string, previousHash: string, onMain = true): ChainNode => ({
  hash,
  index,
  previousHash,
  onMain,
  txCount: 1,
  timestamp: index
})

describe('layoutChain', () => {
  it('puts the main chain on lane 0 with an edge to each parent', () => {
    const l = layoutChain([node(3, 'c', 'b'), node(2, 'b', 'a'), node(1, 'a', '0')], 1)
    expect(l.blocks.map((b) => [b.hash, b.col, b.lane])).toEqual([
      ['a', 0, 0],
      ['b', 1, 0],
      ['c', 2, 0]
    ])
    expect(l.edges.map((e) => [e.from.hash, e.to?.hash])).toEqual([
      ['b', 'a'],
      ['c', 'b']
    ])
    expect(l.lanes).toBe(1)
  })

  it('keeps a side branch on one lane below its fork and a second fork on another', () => {
    const l = layoutChain(
      [
        node(2, 'm2', 'm1'),
        node(3, 'm3', 'm2'),
        node(4, 'm4', 'm3'),
        node(3, 's3', 'm2', false),
        node(4, 's4', 's3', false),
        node(4, 't4', 'm3', false)
      ],
      2
    )
    const lane = Object.fromEntries(l.blocks.map((b) => [b.hash, b.lane]))
    expect(lane).toMatchObject({ m2: 0, m3: 0, m4: 0, s3: 1, s4: 1, t4: 2 })
    expect(l.lanes).toBe(3)
  })

  it('draws a stub for a parent left of the view', () => {
    const l = layoutChain([node(10, 'x', 'w')], 10)
    expect(l.edges).toEqual([{ from: expect.objectContaining({ hash: 'x' }), to: null }])
  })
})

describe('forkColumns', () => {
  it('gives each drawn height a column and each run left out one gap column, counting main blocks only up to the tip', () => {
    const { colOf, gaps } = forkColumns(
      [1, 2, 500, 501, 501, 502, 1000, 1004].map((index) => ({ index })),
      1000
    )
    expect([1, 2, 500, 501, 502, 1000, 1004].map(colOf)).toEqual([0, 1, 3, 4, 5, 7, 9])
    expect(gaps).toEqual([
      { col: 2, after: 2, before: 500, count: 497 },
      { col: 6, after: 502, before: 1000, count: 497 },
      // Past the tip only orphans lie: no main block was left out there.
      { col: 8, after: 1000, before: 1004, count: 0 }
    ])
  })

  it('finds the main block a block after a gap links back to', () => {
    const blocks = [
      { index: 1, status: 'main' as const },
      { index: 7, status: 'side' as const },
      { index: 6, status: 'main' as const },
      { index: 9, status: 'main' as const }
    ]
    expect(mainBefore(blocks, 9)).toEqual({ index: 6, status: 'main' })
    expect(mainBefore(blocks, 1)).toBeUndefined()
  })

  it('lays the tree out on those columns with layoutChain', () => {
    const tree = [node(1, 'g', '0'), node(40, 'm40', 'm39'), node(41, 's41', 'm40', false)]
    const { colOf } = forkColumns(tree, 40)
    const l = layoutChain(tree, 0, colOf)
    expect(l.blocks.map((b) => [b.hash, b.col, b.lane])).toEqual([
      ['g', 0, 0],
      ['m40', 2, 0],
      ['s41', 3, 1]
    ])
  })
})

describe('checkSend', () => {
  const ok = { recipient: 'b'.repeat(40), amount: '5', fee: '1' }

  it('accepts a well-formed transfer within the balance, as the exact numbers typed', () => {
    const c = checkSend(ok, 6)
    expect(isSendable(c)).toBe(true)
    expect(c.request).toEqual({ recipient: 'b'.repeat(40), amount: 5, fee: 1 })
    expect(
      checkSend(
        { ...ok, amount: String(Number.MAX_SAFE_INTEGER - 1), fee: '1' },
        Number.MAX_SAFE_INTEGER
      ).request
    ).toEqual({ recipient: 'b'.repeat(40), amount: Number.MAX_SAFE_INTEGER - 1, fee: 1 })
  })

  it.each([
    [{ recipient: '' }, 'recipient', 'recipientRequired'],
    [{ recipient: 'B'.repeat(40) }, 'recipient', 'recipientFormat'],
    [{ recipient: 'b'.repeat(39) }, 'recipient', 'recipientFormat'],
    [{ amount: '' }, 'amount', 'amountRequired'],
    [{ amount: '  ' }, 'amount', 'amountRequired'],
    [{ amount: '0' }, 'amount', 'amountInteger'],
    [{ amount: '-5' }, 'amount', 'amountInteger'],
    [{ amount: '+5' }, 'amount', 'amountInteger'],
    [{ amount: '1.5' }, 'amount', 'amountInteger'],
    [{ amount: '2.0' }, 'amount', 'amountInteger'],
    [{ amount: '1e3' }, 'amount', 'amountInteger'],
    [{ amount: '0x10' }, 'amount', 'amountInteger'],
    [{ amount: '1,000' }, 'amount', 'amountInteger'],
    [{ amount: 'abc' }, 'amount', 'amountInteger'],
    [{ amount: '9007199254740992' }, 'amount', 'amountTooLarge'],
    [{ fee: '-1' }, 'fee', 'feeInteger'],
    [{ fee: '1.5' }, 'fee', 'feeInteger'],
    [{ fee: '' }, 'fee', 'feeRequired'],
    [{ fee: '99999999999999999999' }, 'fee', 'feeTooLarge'],
    [{ amount: '6' }, 'amount', 'tooMuch']
  ] as const)('flags %o as %s: %s', (patch, field, code) => {
    const c = checkSend({ ...ok, ...patch }, 6)
    expect(c[field]).toBe(code)
    expect(isSendable(c)).toBe(false)
    expect(c.request).toBeUndefined()
  })
})

describe('formatting', () => {
  it('shortens hashes and scales units', () => {
    expect(shortHash('0123456789abcdef0123456789')).toBe('01234567…456789')
    expect(shortHash('abc')).toBe('abc')
    expect(formatHashRate(950)).toBe('950 H/s')
    expect(formatHashRate(1_234_567)).toBe('1.23 MH/s')
    expect(formatBytes(2048)).toBe('2.0 KiB')
  })
})

describe('hrefTo', () => {
  it("is where the app's router sends linkTo, for every kind of page", async () => {
    const router = createAppRouter()
    for (const hit of [
      { kind: 'block', hash: 'ab'.repeat(32) },
      { kind: 'transaction', id: 'cd'.repeat(32) },
      { kind: 'address', address: 'ef'.repeat(20) }
    ] as const) {
      const href = router.resolve(linkTo(hit)).href
      expect(href.slice(href.indexOf('#')), hit.kind).toBe(hrefTo(hit))
      // And following the plain link lands on that page, with its parameter.
      const to = router.resolve(hrefTo(hit).slice(1))
      expect(to.name).toBe(hit.kind)
    }
  })
})

describe('shownFacts', () => {
  it('shortens hashes to their ends and writes numbers whole, as the rule words take them', () => {
    const hash = 'ab'.repeat(30) + 'cdef'
    expect(
      shownFacts({ computed: hash, zeros: 7, timestamp: 1_700_000_000_000, code: 'x' })
    ).toEqual({ computed: 'ababababab…abcdef', zeros: '7', timestamp: '1700000000000', code: 'x' })
  })
})
