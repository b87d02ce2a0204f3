/**
 * Desktop notifications for the node's notices (a block this node's miner found, coins the wallet
 * received), through the Web Notification API: the same code in Electron's renderer and in a
 * browser served by a headless node. Shown only while Settings' switch (Settings.notifications)
 * is on, worded in the UI's language. Permission is asked when the user turns the switch on, or
 * on the first notice after the user has interacted with the page (a browser ignores or
 * penalises a request no gesture led to), and never on load.
 */
import { useI18n } from 'vue-i18n'
import type { Notice, NodeEvent } from '@shared/api'
import { useSettingsStore } from '@renderer/stores/settings'

type Permission = 'default' | 'granted' | 'denied'

/** What this needs of the page: the Notification constructor, and whether a gesture happened. */
export interface NotificationHost {
  Notification?: {
    readonly permission: Permission
    requestPermission(): Promise<Permission>
    new (title: string, options?: { tag?: string; lang?: string; silent?: boolean }): unknown
  }
  /** Whether the user has interacted with the page (navigator.userActivation). */
  hasBeenActive(): boolean
  /** The Permissions API's answer for 'notifications', where the page has one. */
  queryPermission?(): Promise<'prompt' | 'granted' | 'denied'>
}

export function browserHost(): NotificationHost {
  const g = globalThis as unknown as {
    Notification?: NotificationHost['Notification']
    navigator?: Navigator
  }
  const permissions = g.navigator?.permissions
  return {
    Notification: typeof g.Notification === 'function' ? g.Notification : undefined,
    hasBeenActive: () => g.navigator?.userActivation?.hasBeenActive ?? false,
    queryPermission: permissions
      ? async () => (await permissions.query({ name: 'notifications' })).state
      : undefined
  }
}

/**
 * The permission in force: the Permissions API's answer first, Notification.permission where it
 * has none (or throws). Notification.permission alone can be wrong: Chromium's headless shell
 * (the npm Chromium the tests may run) reports 'denied' for a granted permission, and the
 * Permissions API is what Electron's permission check handler answers too.
 */
export async function notificationPermission(
  host: NotificationHost = browserHost()
): Promise<Permission | 'unsupported'> {
  const N = host.Notification
  if (!N) return 'unsupported'
  try {
    const state = await host.queryPermission?.()
    if (state) return state === 'prompt' ? 'default' : state
  } catch {
    // No such permission name in this browser: the constructor's own answer below.
  }
  return N.permission
}

/** Asks for permission if it was never asked (call from the gesture: the Settings switch). */
export async function askNotificationPermission(
  host: NotificationHost = browserHost()
): Promise<Permission | 'unsupported'> {
  const N = host.Notification
  const now = await notificationPermission(host)
  if (!N || now !== 'default') return now
  try {
    return await N.requestPermission()
  } catch {
    return notificationPermission(host)
  }
}

/** The notification's text: "Block #12 found: +50 coins", "Received 5 coins from 1a2b3c4d…". */
export function noticeText(
  t: (key: string, values?: Record<string, unknown>) => string,
  coins: (n: number) => string,
  n: Notice
): string {
  return n.kind === 'mined'
    ? t('notices.mined', { index: n.index, coins: coins(n.reward) })
    : t('notices.received', { coins: coins(n.amount), sender: `${n.sender.slice(0, 8)}…` })
}

/**
 * Shows a notification for a notice: `handle` takes the node's pushed events (given to
 * useNodeEvents), `show` one notice.
 */
export function useDesktopNotices(host: NotificationHost = browserHost()): {
  show: (n: Notice) => Promise<void>
  handle: (e: NodeEvent) => void
} {
  const { t, locale } = useI18n()
  const settings = useSettingsStore()
  let requested = false
  const coins = (n: number): string =>
    t('common.coins', { n: new Intl.NumberFormat(locale.value).format(n) }, n)

  async function show(n: Notice): Promise<void> {
    if (!settings.settings?.notifications) return
    const N = host.Notification
    if (!N) return
    let permission = await notificationPermission(host)
    if (permission === 'default' && !requested && host.hasBeenActive()) {
      requested = true
      permission = await askNotificationPermission(host)
    }
    if (permission !== 'granted') return
    // The tag replaces rather than stacks a notification told of twice (two windows, a reload).
    new N(noticeText(t, coins, n), {
      tag: n.kind === 'mined' ? n.hash : n.txId,
      lang: locale.value
    })
  }

  return {
    show,
    handle: (e) => {
      if (e.type === 'notice') void show(e.notice)
    }
  }
}
