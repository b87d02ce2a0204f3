import { useI18n } from 'vue-i18n'

/** First and last characters of a hash, for tables; the full value goes in a title/copy button. */
export function shortHash(hash: string, head = 8, tail = 6): string {
  return hash.length <= head + tail + 1 ? hash : `${hash.slice(0, head)}…${hash.slice(-tail)}`
}

export function formatHashRate(rate: number): string {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s']
  let v = rate
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${v.toFixed(i === 0 ? 0 : 2)} ${units[i]}`
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

/**
 * One formatter per locale and kind, made on first use. Making an Intl formatter costs far more
 * than using one (tens to hundreds of microseconds: it loads the locale's data), and a list of
 * blocks formats two values per row on every scroll frame.
 */
const numberFormats = new Map<string, Intl.NumberFormat>()
const timeFormats = new Map<string, Intl.DateTimeFormat>()

function numberFormat(locale: string): Intl.NumberFormat {
  let f = numberFormats.get(locale)
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale)))
  return f
}

function timeFormat(locale: string): Intl.DateTimeFormat {
  let f = timeFormats.get(locale)
  if (!f)
    timeFormats.set(
      locale,
      (f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }))
    )
  return f
}

/** Locale-aware formatting of the node's values. */
export function useFormat() {
  const { t, locale } = useI18n()

  const number = (n: number | bigint | string): string => {
    const v = typeof n === 'string' ? BigInt(n) : n
    return numberFormat(locale.value).format(v)
  }

  const coins = (n: number): string => t('common.coins', { n: number(n) }, n)

  /** A count with its noun, "1 block" or "3 blocks" (in Chinese, with its measure word). */
  const count = (
    noun: 'blocks' | 'transfers' | 'confirmations' | 'sideBlocks' | 'orphans',
    n: number
  ): string => t(`common.${noun}`, { n: number(n) }, n)

  const time = (ms: number | null): string =>
    ms === null ? t('common.never') : timeFormat(locale.value).format(ms)

  const duration = (ms: number): string => {
    if (ms < 1000) return t('common.milliseconds', { n: Math.max(0, Math.round(ms)) })
    const s = Math.round(ms / 1000)
    if (s < 120) return t('common.seconds', { n: s })
    if (s < 7200) return t('common.minutes', { n: Math.round(s / 60) })
    if (s < 172800) return t('common.hours', { n: Math.round(s / 3600) })
    return t('common.days', { n: Math.round(s / 86400) })
  }

  const ago = (ms: number | null, now = Date.now()): string =>
    ms === null ? t('common.never') : t('common.ago', { t: duration(now - ms) })

  /** Who sent something: a peer's URL as it is; 'http', 'wallet', 'mined', 'import'… worded. */
  const source = (s: string | undefined): string =>
    s === undefined ? '' : /^https?:\/\//.test(s) ? s : t(`timeline.sources.${s}`)

  return {
    number,
    coins,
    count,
    time,
    duration,
    ago,
    source,
    hashRate: formatHashRate,
    bytes: formatBytes
  }
}
