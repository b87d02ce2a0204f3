import { onBeforeUnmount, ref, watch, type Ref, type WatchSource } from 'vue'

/**
 * A counter that goes up at most once every `ms` while `source` changes: a screen reloads on it
 * rather than on every change (regtest mines hundreds of blocks a second). The first change
 * after a quiet spell is counted `ms` later, with every change in between.
 */
export function useThrottledTick(source: WatchSource<unknown>, ms = 1_000): Ref<number> {
  const tick = ref(0)
  let pending: ReturnType<typeof setTimeout> | undefined
  watch(source, () => {
    pending ??= setTimeout(() => {
      pending = undefined
      tick.value++
    }, ms)
  })
  onBeforeUnmount(() => clearTimeout(pending))
  return tick
}
