// @vitest-environment happy-dom
/**
 * The lab's screens over a fake node, for what the end-to-end tests do not reach: the timeline's
 * words for a reorganisation (the work of both branches, the transfers offered back), the
 * refusal report's words for a refused transaction without the sender's state and for a flood's
 * dropped refusals, and the rule report's reasons for a rule it could not run.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { api } from '@renderer/api'
import TimelineView from '@renderer/views/TimelineView.vue'
import RefusalsView from '@renderer/views/RefusalsView.vue'
import RuleReport from '@renderer/components/lab/RuleReport.vue'
import type { RuleFindingView } from '@shared/api'
import { hash, type FakeApi } from './fakes'
import { mountInApp } from './mount'

vi.mock('@renderer/api', async () => ({
  api: (await import('./fakes')).createFakeApi(),
  connected: (await import('vue')).ref(true)
}))
const fake = api as unknown as FakeApi

beforeEach(() => {
  setActivePinia(createPinia())
  vi.clearAllMocks()
})

describe('the lab', () => {
  it("words a reorganisation with both branches' work and the transfers offered back", async () => {
    fake.getTimeline.mockResolvedValue({
      ok: true,
      value: [
        {
          seq: 1,
          at: 1_700_000_000_000,
          kind: 'reorg',
          forkIndex: 31,
          disconnected: 1,
          connected: 2,
          oldWork: '256',
          newWork: '512',
          txsBack: 3,
          hash: hash(33),
          index: 33,
          source: 'http://127.0.0.1:5001'
        }
      ]
    })
    const { wrapper } = await mountInApp(TimelineView)
    expect(wrapper.find('[data-kind="reorg"]').text()).toContain(
      'Reorganised after block 31: since the fork, the branch from http://127.0.0.1:5001 had more work (512 against 256); 1 block left the main chain, 2 joined, and the pool was offered 3 transfers back'
    )
  })

  it('draws the newest 200 entries, and older ones when asked', async () => {
    fake.getTimeline.mockResolvedValue({
      ok: true,
      value: Array.from({ length: 250 }, (_, i) => ({
        seq: 250 - i,
        at: 1_700_000_000_000,
        kind: 'mined' as const,
        index: 251 - i,
        hash: hash(i)
      }))
    })
    const { wrapper } = await mountInApp(TimelineView)
    expect(wrapper.findAll('[data-kind="mined"]')).toHaveLength(200)
    const more = wrapper.find('[data-testid="timeline-more"]')
    expect(more.text()).toBe('Show older (50 more)')
    await more.trigger('click')
    expect(wrapper.findAll('[data-kind="mined"]')).toHaveLength(250)
    expect(wrapper.find('[data-testid="timeline-more"]').exists()).toBe(false)
  })

  it("words a refused transaction without the sender's state, and a flood's dropped refusals", async () => {
    fake.listRefusals.mockResolvedValue({
      ok: true,
      value: {
        entries: [
          {
            at: 1_700_000_000_000,
            what: 'transaction',
            code: 'bad_sender',
            rule: null,
            message: 'sender is not the address of its public key',
            id: hash(5),
            index: null,
            via: 'http',
            source: 'http',
            facts: { amount: 5, fee: 1, nonce: 0 },
            scoreCost: null,
            scoreAfter: null,
            banned: false
          }
        ],
        total: 1,
        sources: ['http'],
        dropped: 1234
      }
    })
    const { wrapper } = await mountInApp(RefusalsView)
    expect(wrapper.text()).toContain('amount 5 + fee 1; nonce 0')
    expect(wrapper.text()).toContain('1,234 refusals were not recorded')
  })

  it('pages the report with buttons the keyboard reaches', async () => {
    const entry = (i: number) => ({
      at: 1_700_000_000_000 - i,
      what: 'block' as const,
      code: 'bad_pow' as const,
      rule: 'pow' as const,
      message: 'x',
      id: hash(i),
      index: i,
      via: 'http',
      source: 'http',
      facts: { zeros: 1, need: 8 },
      scoreCost: null,
      scoreAfter: null,
      banned: false
    })
    fake.listRefusals.mockImplementation(async (_f, offset: number, limit: number) => ({
      ok: true,
      value: {
        entries: Array.from({ length: Math.min(limit, 120 - offset) }, (_, i) => entry(offset + i)),
        total: 120,
        sources: ['http'],
        dropped: 0
      }
    }))
    const { wrapper } = await mountInApp(RefusalsView)
    expect(wrapper.find('.pager').text()).toContain('Page 1 of 3')
    expect(wrapper.find('[data-testid="refusals-newer"]').attributes('disabled')).toBeDefined()
    await wrapper.find('[data-testid="refusals-older"]').trigger('click')
    await flushPromises()
    expect(fake.listRefusals).toHaveBeenLastCalledWith({}, 50, 50)
    expect(wrapper.find('.pager').text()).toContain('Page 2 of 3')
  })

  it('says why a rule was not run: no parent, no coinbase, or too deep', async () => {
    const finding = (
      name: RuleFindingView['name'],
      status: RuleFindingView['status'],
      facts: RuleFindingView['facts'] = {}
    ): RuleFindingView => ({ name, rule: 1, code: 'bad_index', status, message: null, facts })
    const { wrapper } = await mountInApp(RuleReport, {
      props: {
        rules: [
          finding('index', 'unchecked', { index: 5 }),
          finding('coinbase', 'fail'),
          finding('transactions', 'unchecked', { transfers: 2 })
        ]
      }
    })
    const rows = wrapper.findAll('tbody tr')
    expect(rows[0].text()).toContain('the parent block is not known')
    expect(rows[2].text()).toContain('needs a well-formed coinbase first')
    const deep = await mountInApp(RuleReport, {
      props: { rules: [finding('transactions', 'unchecked', { transfers: 2, depth: 5000 })] }
    })
    expect(deep.wrapper.text()).toContain('5000 blocks would have to be unwound')
  })
})
