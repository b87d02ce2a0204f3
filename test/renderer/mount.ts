import { defineComponent, h, type Component } from 'vue'
import { mount, flushPromises } from '@vue/test-utils'
import { getActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { NConfigProvider, NDialogProvider, NMessageProvider } from 'naive-ui'
import { routes } from '@renderer/router'
import { createAppI18n } from '@renderer/i18n'

/**
 * Mounts a component the way the app does: inside naive-ui's providers, with the active Pinia,
 * the app's routes (in memory) and its i18n.
 */
export async function mountInApp(
  component: Component,
  options: { props?: Record<string, unknown>; path?: string } = {}
) {
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push(options.path ?? '/')
  await router.isReady()
  const i18n = createAppI18n('en')
  const Host = defineComponent({
    setup: () => () =>
      h(NConfigProvider, { inlineThemeDisabled: true }, () =>
        h(NMessageProvider, null, () =>
          h(NDialogProvider, null, () => h(component, options.props ?? {}))
        )
      )
  })
  const wrapper = mount(Host, {
    global: { plugins: [getActivePinia()!, router, i18n] },
    attachTo: document.body
  })
  await flushPromises()
  return { wrapper, router, i18n }
}
