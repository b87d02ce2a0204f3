import { watchEffect } from 'vue'
import { useI18n } from 'vue-i18n'

/**
 * The document's title names the screen shown, in the UI's language (WCAG 2.4.2): it is what a
 * screen reader announces on navigation and what a browser tab or window list shows. It follows
 * the screen's heading and the language as they change; the next screen mounted sets its own.
 */
export function usePageTitle(screen: () => string): void {
  const { t } = useI18n()
  watchEffect(() => {
    document.title = t('app.pageTitle', { screen: screen() })
  })
}
