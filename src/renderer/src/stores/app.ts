import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { AppInfo, ApiResult, NodeEvent, Settings } from '@shared/api'
import { api } from '@renderer/api'
import { useSettingsStore } from './settings'
import { tracker } from './tracker'

/**
 * The app around the screens: what About shows (getAppInfo) and which of the two app dialogs is
 * open. The first-run screen opens by itself while the data dir's `welcomeSeen` setting is false
 * (the node keeps it, so it is shown once per data dir, not once per browser), and on request
 * (the navigation's "Getting started", the Electron menu's `show` event).
 */
export const useAppStore = defineStore('app', () => {
  const settings = useSettingsStore()
  const info = ref<AppInfo | null>(null)
  const { loading, error, track } = tracker()
  const welcomeAsked = ref(false)
  /** Closed in this window even if saving welcomeSeen failed: never a screen that cannot be left. */
  const welcomeClosed = ref(false)
  const aboutOpen = ref(false)

  const welcomeOpen = computed(
    () =>
      welcomeAsked.value ||
      (settings.settings !== null && !settings.settings.welcomeSeen && !welcomeClosed.value)
  )

  async function load(): Promise<void> {
    const i = await track(() => api.getAppInfo())
    if (i) info.value = i
  }

  function openWelcome(): void {
    aboutOpen.value = false
    welcomeAsked.value = true
    if (!info.value) void load()
  }

  /** Closes the first-run screen and, the first time, tells the node it was seen. */
  async function closeWelcome(): Promise<ApiResult<Settings> | undefined> {
    welcomeAsked.value = false
    welcomeClosed.value = true
    if (settings.settings?.welcomeSeen) return undefined
    return settings.update({ welcomeSeen: true })
  }

  function openAbout(): void {
    welcomeAsked.value = false
    aboutOpen.value = true
    if (!info.value) void load()
  }

  function closeAbout(): void {
    aboutOpen.value = false
  }

  /** The shell's menu asks for a dialog; screens are navigated to by useShowTargets. */
  function applyEvent(e: NodeEvent): void {
    if (e.type !== 'show') return
    if (e.target === 'about') openAbout()
    else if (e.target === 'welcome') openWelcome()
  }

  return {
    info,
    loading,
    error,
    welcomeOpen,
    aboutOpen,
    load,
    openWelcome,
    closeWelcome,
    openAbout,
    closeAbout,
    applyEvent
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAppStore, import.meta.hot))
