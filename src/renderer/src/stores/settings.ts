import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ApiResult, Language, NodeEvent, Settings, Theme } from '@shared/api'
import { api } from '@renderer/api'
import { tracker } from './tracker'

/** Before the node answers, follow the system's colour scheme and the browser's language. */
function initialTheme(): Theme {
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

function initialLanguage(): Language {
  return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

/** The node's settings; theme and language are applied to the UI at once. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null)
  const saving = ref(false)
  const { loading, error, track } = tracker()
  const fallbackTheme = initialTheme()
  const fallbackLanguage = initialLanguage()

  const theme = computed<Theme>(() => settings.value?.theme ?? fallbackTheme)
  const language = computed<Language>(() => settings.value?.language ?? fallbackLanguage)

  async function load(): Promise<void> {
    const s = await track(() => api.getSettings())
    if (s) settings.value = s
  }

  async function update(patch: Partial<Settings>): Promise<ApiResult<Settings> | undefined> {
    saving.value = true
    try {
      const r = await track(() => api.updateSettings(patch))
      if (r?.ok) settings.value = r.value
      return r
    } finally {
      saving.value = false
    }
  }

  function applyEvent(e: NodeEvent): void {
    if (e.type === 'settings') settings.value = e.settings
  }

  return { settings, saving, theme, language, loading, error, load, update, applyEvent }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSettingsStore, import.meta.hot))
