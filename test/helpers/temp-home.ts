/**
 * vitest's setup file (vitest.config.ts): nodes started by tests, in process or as children,
 * keep their launch settings and local-node registry in a temp folder, never in the user's real
 * config root (<config>/Blockforge), where a test's nodes would be listed to the user's own app.
 */
import { tempDir } from './temp'

if (process.env.BLOCKFORGE_HOME === undefined) {
  const home = tempDir('bf-home-')
  process.env.BLOCKFORGE_HOME = home.path
  process.once('exit', home.remove)
}
