/**
 * One copy of each rule. Each rule the node applies in several places is written once and used
 * from there: the protocol's formats, the JSON-object test, the largest JSON integer and the
 * network names live in the core; the peer-URL rule and the UI's Content-Security-Policy in
 * src/shared (the renderer applies them too). Where a copy cannot import the original (the
 * renderer may not import the node; an HTML file imports nothing) this file holds the copy to it.
 * Read on the source text, as test/architecture.test.ts reads imports, plus a table of the URLs
 * the one URL rule accepts and refuses, through every entry point that applies it. And no dead
 * strings: every UI string is used somewhere in the renderer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { FORMATS, isAddress, isHash, NETWORK_NAMES, type NetworkName } from '../src/main/core'
import {
  NETWORK_NAMES as UI_NETWORK_NAMES,
  type NetworkName as UiNetworkName
} from '../src/shared/api'
import { UI_CSP, UI_CSP_HTTP } from '../src/shared/csp'
import { DEMO_WALLET_B } from '../src/shared/api'
import { demoAddress } from '../src/main/app/demo'
import { MAX_PEER_URL_LENGTH, normalizeUrl } from '../src/shared/peer-url'
import { normalizeUrl as wireNormalizeUrl } from '../src/main/p2p/wire'
import { BadArgument, httpUrl } from '../src/main/api/guards'
import en from '../src/renderer/src/i18n/en'

const ROOT = join(__dirname, '..')

function files(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...files(p))
    else if (/\.(ts|vue|html)$/.test(name)) out.push(p)
  }
  return out
}

const SOURCES = files(join(ROOT, 'src')).map((f) => ({
  rel: relative(ROOT, f).split(sep).join('/'),
  text: readFileSync(f, 'utf8')
}))

/** The files whose text matches `re`. */
function filesWith(re: RegExp): string[] {
  return SOURCES.filter((s) => re.test(s.text)).map((s) => s.rel)
}

function source(rel: string): string {
  return SOURCES.find((s) => s.rel === rel)!.text
}

describe('the protocol formats (PROTOCOL §1)', () => {
  it('are written in the core only, and mirrored once by the send form', () => {
    expect(filesWith(/\[0-9a-f\]\{\d+\}/)).toEqual([
      'src/main/core/codec.ts',
      'src/renderer/src/composables/sendForm.ts'
    ])
  })

  it("keeps the renderer's address and hash checks equal to the core's", () => {
    const m = /const ADDRESS = \/(.+)\/\n/.exec(source('src/renderer/src/composables/sendForm.ts'))
    expect(m?.[1]).toBe(FORMATS.address)
    const h = /const HASH = \/(.+)\/\n/.exec(source('src/renderer/src/composables/sendForm.ts'))
    expect(h?.[1]).toBe(FORMATS.hash)
  })

  it('means what it says: isHash and isAddress take exactly 64 and 40 lowercase hex digits', () => {
    expect(isHash('ab'.repeat(32))).toBe(true)
    expect(isHash('AB'.repeat(32))).toBe(false)
    expect(isHash('ab'.repeat(32) + '0')).toBe(false)
    expect(isAddress('0f'.repeat(20))).toBe(true)
    expect(isAddress('0g'.repeat(20))).toBe(false)
    expect(isAddress('0')).toBe(false)
  })
})

describe('the other shared rules', () => {
  it('tests for a JSON object in one place', () => {
    expect(filesWith(/function isObject\b|const isObject\b/)).toEqual(['src/main/core/codec.ts'])
  })

  it('names the largest JSON integer in one place (and its renderer mirror)', () => {
    // connections.ts reads "unlimited" from /proc: a count of file descriptors, not a JSON integer.
    expect(filesWith(/Number\.MAX_SAFE_INTEGER/)).toEqual([
      'src/main/core/codec.ts',
      'src/main/http/connections.ts',
      'src/renderer/src/composables/sendForm.ts'
    ])
  })

  it('names the networks once for the node and once for the UI, and the two agree', () => {
    expectTypeOf<UiNetworkName>().toEqualTypeOf<NetworkName>()
    expect([...UI_NETWORK_NAMES]).toEqual([...NETWORK_NAMES])
  })
})

describe('the demo wallets', () => {
  it("gives the tour the address the demo's node B is seeded with", () => {
    expect(DEMO_WALLET_B).toBe(demoAddress('b'))
  })
})

describe("the UI page's Content-Security-Policy", () => {
  it("is written in src/shared/csp.ts, the page's meta tag and the crash page only", () => {
    // lifecycle.ts's page is a static notice with no script and a policy of its own.
    expect(filesWith(/default-src/)).toEqual([
      'src/main/shell/lifecycle.ts',
      'src/renderer/index.html',
      'src/shared/csp.ts'
    ])
  })

  it('has the meta tag say exactly what the Electron session sends', () => {
    const m = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
      source('src/renderer/index.html')
    )
    expect(m?.[1]).toBe(UI_CSP)
  })

  it('over HTTP adds to the policy and relaxes nothing', () => {
    expect(UI_CSP_HTTP.startsWith(`${UI_CSP}; `)).toBe(true)
    expect(UI_CSP_HTTP).toContain("frame-ancestors 'none'")
  })
})

/**
 * The peer-URL rule (src/shared/peer-url.ts): an http(s) URL of at most 2048 characters without
 * user name or password, kept as its origin. One table through every entry point that applies it:
 * the rule itself (also the Peers screen's form), the p2p layer's name for it (POST
 * /nodes/register, X-Node-Url, the peer table) and the UI API's guard (add, remove, ban, unban).
 */
describe('the peer-URL rule', () => {
  const accepted: [string, string][] = [
    ['http://127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['https://node.example', 'https://node.example'],
    ['HTTP://LocalHost:5000/', 'http://localhost:5000'],
    ['http://127.0.0.1:5000/some/path?q=1#frag', 'http://127.0.0.1:5000'],
    ['http://[::1]:5000', 'http://[::1]:5000'],
    ['http://127.0.0.1:80', 'http://127.0.0.1'],
    ['https://node.example:443/', 'https://node.example'],
    [
      `http://h.example/${'a'.repeat(MAX_PEER_URL_LENGTH - 'http://h.example/'.length)}`,
      'http://h.example'
    ]
  ]
  const refused: [string, unknown][] = [
    ['nothing', ''],
    ['words', 'not a url'],
    ['no scheme', '127.0.0.1:5000'],
    ['a host taken for a scheme', 'localhost:5000'],
    ['ftp', 'ftp://node.example'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['websocket', 'ws://node.example:5000'],
    ['user and password', 'http://user:pw@127.0.0.1:5000'],
    ['user only', 'http://user@127.0.0.1:5000'],
    ['a port out of range', 'http://127.0.0.1:99999'],
    ['a space in the host', 'http://exa mple.com'],
    ['too long', `http://h.example/${'a'.repeat(MAX_PEER_URL_LENGTH)}`],
    ['a number', 5000],
    ['null', null],
    ['an object', { url: 'http://127.0.0.1:5000' }]
  ]

  it('is one function for the p2p layer and the Peers screen', () => {
    expect(wireNormalizeUrl).toBe(normalizeUrl)
  })

  for (const [url, origin] of accepted) {
    it(`keeps ${url.length > 60 ? url.slice(0, 40) + '… (2048 characters)' : url} as ${origin}`, () => {
      expect(normalizeUrl(url)).toBe(origin)
      expect(httpUrl(url)).toBe(origin)
    })
  }

  for (const [why, url] of refused) {
    it(`refuses ${why}`, () => {
      expect(normalizeUrl(url)).toBeUndefined()
      expect(() => httpUrl(url)).toThrow(BadArgument)
    })
  }
})

describe("the UI's strings", () => {
  /** Every key of the English messages (zh-CN.ts has the same keys: its type is en's). */
  function keys(o: object, prefix = ''): string[] {
    return Object.entries(o).flatMap(([k, v]) =>
      typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]
    )
  }

  it('are all used by the renderer, by name or through a key built from a template', () => {
    const renderer = SOURCES.filter(
      (f) => f.rel.startsWith('src/renderer/') && !/\/i18n\/(en|zh-CN)\.ts$/.test(f.rel)
    )
    const text = renderer.map((f) => f.text).join('\n')
    // A key built at run time, such as `tx.${status}` or `outcomes.codes.${code}`, covers every
    // key of that shape: `${...}` stands for one segment.
    const built = [...text.matchAll(/`([a-zA-Z]+(?:\.(?:[a-zA-Z_]+|\$\{[^}]+\}))+)`/g)]
      .map((m) => m[1])
      .filter((k) => k.includes('${'))
      .map(
        (k) =>
          new RegExp(
            '^' +
              k
                .split(/\$\{[^}]+\}/)
                .map((p) => p.replace(/\./g, '\\.'))
                .join('[^.]+') +
              '$'
          )
      )
    const unused = keys(en).filter(
      (k) => !text.includes(`'${k}'`) && !text.includes(`"${k}"`) && !built.some((re) => re.test(k))
    )
    expect(unused).toEqual([])
  })
})
