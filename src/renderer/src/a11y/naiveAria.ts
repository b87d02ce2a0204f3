/**
 * ARIA that naive-ui's markup gets wrong and its props cannot change (docs/accessibility.md).
 *
 * - NCard renders its header as `<div role="heading"><div role="heading">title</div>…</div>`,
 *   two nested headings, neither with an aria-level (axe: aria-required-attr, critical). The
 *   outer one is a container (it also holds the header's extra actions): its role goes; the
 *   inner one is the card's title, a level-2 heading under the page's <h1>.
 * - NInputNumber's − and + buttons are icon-only with no name (axe: button-name, critical).
 *   They get "Decrease" / "Increase" in the UI's language.
 * - NModal's card renders `role="dialog" aria-modal="true"` with no name (axe: aria-dialog-name,
 *   serious): a screen reader entering the dialog says only "dialog". It is named by its own
 *   title (aria-labelledby), so the name follows the title and the UI's language.
 *
 * naive-ui has no prop for either, so a MutationObserver applies both to whatever it renders,
 * in the views and in teleported dialogs alike, as soon as it is rendered. Vue never writes the
 * removed role back: it patches only attributes whose value changed between renders.
 */
export interface NaiveAriaLabels {
  decrease: string
  increase: string
}

/** Card headings: the title is a level-2 heading, the header around it a plain container. */
function fixCardHeadings(root: ParentNode): void {
  root
    .querySelectorAll('.n-card-header[role="heading"]')
    .forEach((el) => el.removeAttribute('role'))
  root
    .querySelectorAll('.n-card-header__main[role="heading"]:not([aria-level])')
    .forEach((el) => el.setAttribute('aria-level', '2'))
}

/** Names for the number inputs' step buttons: the − is always first, the + always last. */
function fixNumberButtons(root: ParentNode, labels: NaiveAriaLabels): void {
  root.querySelectorAll('.n-input-number').forEach((field) => {
    const buttons = field.querySelectorAll<HTMLButtonElement>(
      '.n-input__prefix button, .n-input__suffix button'
    )
    if (buttons.length < 2) return
    const [minus, plus] = [buttons[0], buttons[buttons.length - 1]]
    if (minus.getAttribute('aria-label') !== labels.decrease)
      minus.setAttribute('aria-label', labels.decrease)
    if (plus.getAttribute('aria-label') !== labels.increase)
      plus.setAttribute('aria-label', labels.increase)
  })
}

let dialogTitles = 0
/** Dialogs without a name are named by their title (a card's or naive-ui dialog's). */
function nameDialogs(root: ParentNode): void {
  const unnamed = ':not([aria-label]):not([aria-labelledby])'
  root
    .querySelectorAll(`[role="dialog"]${unnamed}, [role="alertdialog"]${unnamed}`)
    .forEach((dialog) => {
      const title = dialog.querySelector('.n-card-header__main, .n-dialog__title')
      if (!title) return
      if (!title.id) title.id = `bf-dialog-title-${++dialogTitles}`
      dialog.setAttribute('aria-labelledby', title.id)
    })
}

export function applyNaiveAria(root: ParentNode, labels: NaiveAriaLabels): void {
  fixCardHeadings(root)
  fixNumberButtons(root, labels)
  nameDialogs(root)
}

/**
 * Applies the fixes now and after every change to the tree under `root`, once per batch of changes.
 * `labels` is read each time, so a change of language is picked up by calling `refresh()`.
 */
export function watchNaiveAria(
  root: HTMLElement,
  labels: () => NaiveAriaLabels
): { refresh(): void; stop(): void } {
  let queued = false
  const refresh = () => applyNaiveAria(root, labels())
  const observer = new MutationObserver(() => {
    if (queued) return
    queued = true
    // A microtask, not a frame: the fix lands before the browser paints or an
    // assistive technology reads the new nodes.
    queueMicrotask(() => {
      queued = false
      refresh()
    })
  })
  observer.observe(root, { childList: true, subtree: true })
  refresh()
  return { refresh, stop: () => observer.disconnect() }
}
