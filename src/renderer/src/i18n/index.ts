import { createI18n } from 'vue-i18n'
import type { Language } from '@shared/api'
import en, { type Messages } from './en'
import zhCN from './zh-CN'

export const LANGUAGES: { value: Language; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'zh-CN', label: '简体中文' }
]

export function createAppI18n(locale: Language = 'en') {
  return createI18n<[Messages], Language, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, 'zh-CN': zhCN }
  })
}

export type AppI18n = ReturnType<typeof createAppI18n>
