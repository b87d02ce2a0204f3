/**
 * `npm run gen:icons`: renders build/icon.svg in Chromium at every size an installer needs and
 * writes what electron-builder.yml points at (the outputs are committed; run this after changing
 * the SVG):
 *   build/icon.png          1024 px, the source for anything that wants one big PNG
 *   build/icons/NxN.png     Linux (AppImage, deb): hicolor sizes 16 to 512
 *   build/icon.ico          Windows (the exe, the NSIS installer and uninstaller): 16 to 256
 *   build/icon.icns         macOS (the app bundle and the dmg): 16 to 1024, 1x and 2x types
 * Each size is rendered from the vector, not scaled down from the largest, so small sizes stay
 * sharp. Chromium is the one the browser tests use (test/helpers/chromium.ts).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { launchChromium } from '../test/helpers/chromium'
import {
  encodeIcns,
  encodeIco,
  ICNS_TYPES,
  ICO_SIZES,
  LINUX_SIZES,
  pngSize
} from './icon-containers'

const ROOT = resolve(import.meta.dirname, '..')
const BUILD = join(ROOT, 'build')

async function main(): Promise<void> {
  const svg = readFileSync(join(BUILD, 'icon.svg'))
  const sizes = [
    ...new Set<number>([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, s]) => s)])
  ].sort((a, b) => a - b)
  const browser = await launchChromium()
  const rendered = new Map<number, Buffer>()
  try {
    const page = await browser.newPage({
      viewport: { width: 1024, height: 1024 },
      deviceScaleFactor: 1
    })
    const src = `data:image/svg+xml;base64,${svg.toString('base64')}`
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent"><img id="i" src="${src}"></body></html>`
    )
    for (const size of sizes) {
      // A string, not a function: this file is type-checked without the DOM library.
      await page.evaluate(
        `new Promise((done) => { const img = document.getElementById('i'); img.width = ${size}; img.height = ${size};` +
          ` requestAnimationFrame(() => requestAnimationFrame(done)) })`
      )
      const png = await page.screenshot({
        clip: { x: 0, y: 0, width: size, height: size },
        omitBackground: true
      })
      const got = pngSize(png)
      if (got?.width !== size || got.height !== size)
        throw new Error(`rendered ${size} px but got ${JSON.stringify(got)}`)
      rendered.set(size, png)
    }
  } finally {
    await browser.close()
  }
  const at = (s: number): Buffer => rendered.get(s)!

  writeFileSync(join(BUILD, 'icon.png'), at(1024))
  const linuxDir = join(BUILD, 'icons')
  rmSync(linuxDir, { recursive: true, force: true })
  mkdirSync(linuxDir)
  for (const s of LINUX_SIZES) writeFileSync(join(linuxDir, `${s}x${s}.png`), at(s))
  writeFileSync(join(BUILD, 'icon.ico'), encodeIco(ICO_SIZES.map(at)))
  writeFileSync(
    join(BUILD, 'icon.icns'),
    encodeIcns(ICNS_TYPES.map(([label, s]) => ({ label, png: at(s) })))
  )
  console.log(
    `wrote build/icon.png, build/icons/ (${LINUX_SIZES.join(', ')}), build/icon.ico, build/icon.icns`
  )
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
