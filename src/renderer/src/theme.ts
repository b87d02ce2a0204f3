import type { GlobalThemeOverrides } from 'naive-ui'

/* naive-ui theme overrides for WCAG 2.1 AA: contrast and focus rings (docs/accessibility.md). */

/** The keyboard focus ring colour of each theme: its accent, at least 3:1 on its backgrounds. */
const RING = { light: '#0f7040', dark: '#63e2b7' } as const

/**
 * naive-ui marks a focused text field or select with a 1px accent border and a 2px glow at 20 %
 * opacity (about 1.3:1 on white): the glow becomes a solid 2px ring in the accent colour, so a
 * focused field is as plain to see as a focused button (main.css rings those).
 */
function focusRings(ring: string): GlobalThemeOverrides {
  const shadow = `0 0 0 2px ${ring}`
  return {
    Input: { boxShadowFocus: shadow },
    InternalSelection: { boxShadowFocus: shadow, boxShadowActive: shadow }
  }
}

/**
 * naive-ui's light palette is too pale for text: its green (#18a058, links and "success" tags) is
 * 3.38:1 on white and 2.96:1 on its own tag tint, its blue (#2080f0, "info" tags) 3.36:1 on its
 * tint, and its secondary text (#767c82, statistic labels, form hints) 4.22:1. Each colour below
 * is the same hue darkened until it reaches 4.5:1 on white *and* on the 12 % tint naive-ui puts
 * behind tags. Hover and pressed shades keep naive-ui's lighter/darker order.
 * The dark palette passes as it is, except the empty-state text, which naive-ui draws in its
 * disabled colour (3.58:1 on #18181c): both themes draw it in a secondary text colour instead.
 */
const light: GlobalThemeOverrides = {
  ...focusRings(RING.light),
  common: {
    primaryColor: '#0f7040',
    primaryColorHover: '#128049',
    primaryColorPressed: '#0b5c34',
    primaryColorSuppl: '#128049',
    successColor: '#0f7040',
    successColorHover: '#128049',
    successColorPressed: '#0b5c34',
    successColorSuppl: '#128049',
    infoColor: '#1a5fb4',
    infoColorHover: '#2a6fc4',
    infoColorPressed: '#154f96',
    infoColorSuppl: '#2a6fc4',
    warningColor: '#8f5200',
    warningColorHover: '#a35e00',
    warningColorPressed: '#754300',
    warningColorSuppl: '#a35e00',
    errorColor: '#b3203c',
    errorColorHover: '#c93a52',
    errorColorPressed: '#931a31',
    errorColorSuppl: '#c93a52',
    textColor3: '#5c6166'
  },
  Empty: { textColor: '#5c6166' }
}

const dark: GlobalThemeOverrides = {
  ...focusRings(RING.dark),
  Empty: { textColor: 'rgba(255, 255, 255, 0.6)' }
}

export function themeOverrides(theme: 'light' | 'dark'): GlobalThemeOverrides {
  return theme === 'dark' ? dark : light
}

/** The keyboard focus ring (main.css): the accent colour, at least 3:1 on both themes' backgrounds. */
export function focusRingColor(theme: 'light' | 'dark'): string {
  // Light: the darkened primary, 6.2:1 on white. Dark: naive-ui's own primary, 11:1 on #18181c.
  return RING[theme]
}
