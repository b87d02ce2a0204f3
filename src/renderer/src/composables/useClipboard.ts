import { useMessage } from 'naive-ui'
import { useI18n } from 'vue-i18n'

/** Copies text and says so (or says why not). */
export function useClipboard() {
  const message = useMessage()
  const { t } = useI18n()
  async function copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text)
      message.success(t('common.copied'))
    } catch {
      message.error(t('common.copyFailed'))
    }
  }
  return { copy }
}
