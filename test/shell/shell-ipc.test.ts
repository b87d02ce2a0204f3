/**
 * The Electron IPC gate, with `electron` replaced by a recorder (Electron cannot be launched
 * here): every NodeApi method gets a channel, a call is answered only for the main frame of a
 * registered window showing our page, by that window's own node, and events reach the window
 * until it is destroyed. The preload exposes exactly the NodeApi and nothing of Electron.
 */
import { EventEmitter } from 'node:events'
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { API_METHODS, IPC_EVENT_CHANNEL, IPC_PREFIX, type NodeEvent } from '../../src/shared/api'

const channels = new Map<string, (event: unknown, ...args: unknown[]) => unknown>()
const exposed = new Map<string, unknown>()
const rendererListeners = new EventEmitter()
const invoke = vi.fn(async (channel: string, ...args: unknown[]) => ({ channel, args }))
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) =>
      channels.set(channel, fn)
  },
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke,
    on: (channel: string, fn: (...a: unknown[]) => void) => rendererListeners.on(channel, fn),
    removeListener: (channel: string, fn: (...a: unknown[]) => void) =>
      rendererListeners.off(channel, fn)
  }
}))

const { attachWindow, registerIpc } = await import('../../src/main/shell/ipc')
const { RENDERER_INDEX } = await import('../../src/main/shell/renderer-location')
const OUR_PAGE = pathToFileURL(RENDERER_INDEX).href + '#/wallet'

class FakeContents extends EventEmitter {
  sent: unknown[] = []
  destroyed = false
  constructor(readonly id: number) {
    super()
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload])
  }
}

function handlers(tag: string) {
  return Object.fromEntries(
    API_METHODS.map((m) => [m, vi.fn(async (...args: unknown[]) => ({ tag, m, args }))])
  )
}

const call = (channel: string, sender: FakeContents, frame: unknown, ...args: unknown[]) =>
  channels.get(IPC_PREFIX + channel)!({ sender, senderFrame: frame }, ...args)

describe('IPC gate', () => {
  registerIpc(null)
  const a = new FakeContents(1)
  const b = new FakeContents(2)
  let push: (e: NodeEvent) => void = () => undefined
  const unsubscribe = vi.fn()
  attachWindow(a as never, handlers('a') as never, (cb) => ((push = cb), unsubscribe))
  attachWindow(b as never, handlers('b') as never, () => () => undefined)
  const mainFrame = { parent: null, url: OUR_PAGE }

  it('registers one channel per API method', () => {
    expect([...channels.keys()].sort()).toEqual(API_METHODS.map((m) => IPC_PREFIX + m).sort())
  })

  it("forwards a call to the calling window's own node", async () => {
    await expect(call('getBlock', a, mainFrame, 'h')).resolves.toEqual({
      tag: 'a',
      m: 'getBlock',
      args: ['h']
    })
    await expect(call('getBlock', b, mainFrame, 'h')).resolves.toMatchObject({ tag: 'b' })
  })

  it('refuses subframes, other pages and unknown windows', () => {
    expect(() => call('getStatus', a, { parent: mainFrame, url: OUR_PAGE })).toThrow('forbidden')
    expect(() => call('getStatus', a, { parent: null, url: 'https://example.com/' })).toThrow(
      'forbidden'
    )
    expect(() => call('getStatus', a, null)).toThrow('forbidden')
    expect(() => call('getStatus', new FakeContents(3), mainFrame)).toThrow('forbidden')
  })

  it('a window attached again (its node was reset) answers from the new node only', async () => {
    const c = new FakeContents(7)
    const oldOff = vi.fn()
    attachWindow(c as never, handlers('old') as never, () => oldOff)
    let pushNew: (e: NodeEvent) => void = () => undefined
    const newOff = vi.fn()
    attachWindow(c as never, handlers('new') as never, (cb) => ((pushNew = cb), newOff))
    expect(oldOff).toHaveBeenCalledOnce()
    await expect(call('getStatus', c, mainFrame)).resolves.toMatchObject({ tag: 'new' })
    pushNew({ type: 'pending', count: 4 })
    expect(c.sent).toEqual([[IPC_EVENT_CHANNEL, { type: 'pending', count: 4 }]])
    c.destroyed = true
    c.emit('destroyed')
    expect(newOff).toHaveBeenCalledOnce()
    expect(() => call('getStatus', c, mainFrame)).toThrow('forbidden')
  })

  it('pushes events until the window is destroyed', () => {
    push({ type: 'pending', count: 1 })
    expect(a.sent).toEqual([[IPC_EVENT_CHANNEL, { type: 'pending', count: 1 }]])
    a.destroyed = true
    a.emit('destroyed')
    expect(unsubscribe).toHaveBeenCalled()
    expect(() => call('getStatus', a, mainFrame)).toThrow('forbidden')
  })
})

describe('preload', () => {
  it('exposes only window.api: one invoke per method and an unsubscribable onEvent', async () => {
    await import('../../src/preload/index')
    expect([...exposed.keys()]).toEqual(['api'])
    const api = exposed.get('api') as Record<string, (...a: unknown[]) => unknown>
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, 'onEvent'].sort())
    await expect(api.getAddress('ab', 0, 20)).resolves.toEqual({
      channel: IPC_PREFIX + 'getAddress',
      args: ['ab', 0, 20]
    })

    const seen: unknown[] = []
    const off = api.onEvent((e: unknown) => seen.push(e)) as () => void
    rendererListeners.emit(IPC_EVENT_CHANNEL, {}, { type: 'pending', count: 2 })
    off()
    rendererListeners.emit(IPC_EVENT_CHANNEL, {}, { type: 'pending', count: 3 })
    expect(seen).toEqual([{ type: 'pending', count: 2 }])
  })
})
