// @vitest-environment happy-dom
/**
 * The DOM-level fixes for naive-ui's ARIA (src/renderer/src/a11y/naiveAria.ts) on real naive-ui
 * components: card titles become level-2 headings inside a plain header, number fields' step
 * buttons get names, and both hold for content rendered after the watch started (a card that
 * appears later, a change of language).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { mount, type VueWrapper } from '@vue/test-utils'
import { NCard, NInputNumber } from 'naive-ui'
import { watchNaiveAria } from '@renderer/a11y/naiveAria'

let wrapper: VueWrapper | undefined
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
})

const settle = async () => {
  await nextTick()
  await new Promise((r) => setTimeout(r, 0))
}

describe('naive-ui ARIA fixes', () => {
  it('gives card titles a heading level and number fields named − and + buttons, also when rendered later', async () => {
    const later = ref(false)
    const Host = defineComponent({
      setup: () => () =>
        h('div', [
          h(NCard, { title: 'Recent blocks' }, () => 'body'),
          h(NInputNumber, { value: 1, 'aria-label': 'Amount' }),
          later.value
            ? h(
                NCard,
                { title: 'Known peers' },
                { 'header-extra': () => 'extra', default: () => 'b' }
              )
            : null
        ])
    })
    wrapper = mount(Host, { attachTo: document.body })
    const root = wrapper.element as HTMLElement
    // Today's naive-ui markup, which axe-core reports as critical.
    expect(root.querySelectorAll('[role="heading"]:not([aria-level])').length).toBe(2)

    let labels = { decrease: 'Decrease', increase: 'Increase' }
    const aria = watchNaiveAria(root, () => labels)
    const headings = () => [...root.querySelectorAll('[role="heading"]')]
    expect(headings().map((e) => [e.textContent, e.getAttribute('aria-level')])).toEqual([
      ['Recent blocks', '2']
    ])
    const stepNames = () =>
      [...root.querySelectorAll('.n-input-number button')].map((b) => b.getAttribute('aria-label'))
    expect(stepNames()).toEqual(['Decrease', 'Increase'])

    later.value = true
    await settle()
    expect(headings().map((e) => [e.textContent, e.getAttribute('aria-level')])).toEqual([
      ['Recent blocks', '2'],
      ['Known peers', '2']
    ])

    labels = { decrease: '减少', increase: '增加' }
    aria.refresh()
    expect(stepNames()).toEqual(['减少', '增加'])
    aria.stop()
  })
})
