import { Menu, type MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  startLocalNode(): void
}

/** File, Edit (so copy and paste shortcuts work), View and Window; reload and devtools in dev only. */
export function buildMenu(actions: MenuActions, dev: boolean): Menu {
  const view: MenuItemConstructorOptions[] = [
    ...(dev
      ? ([
          { role: 'reload' },
          { role: 'forceReload' },
          { role: 'toggleDevTools' },
          { type: 'separator' }
        ] satisfies MenuItemConstructorOptions[])
      : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' }
  ]
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        {
          label: 'Start Another Local Node',
          accelerator: 'CmdOrCtrl+Shift+N',
          click: () => actions.startLocalNode()
        },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' }
  ]
  return Menu.buildFromTemplate(template)
}
