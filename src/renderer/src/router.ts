import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

// Hash history: the same URLs work from Electron's file:// page and from a headless node over HTTP.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'dashboard', component: () => import('./views/DashboardView.vue') },
  { path: '/chain', name: 'chain', component: () => import('./views/ChainView.vue') },
  {
    path: '/block/:hash',
    name: 'block',
    component: () => import('./views/BlockView.vue'),
    props: true
  },
  {
    path: '/block/:hash/inspect',
    name: 'inspect',
    component: () => import('./views/InspectView.vue'),
    // ?tx=3 chooses the transaction whose audit path is shown; anything but a whole number is 0.
    props: (route) => ({ hash: route.params.hash, tx: txIndexOf(route.query.tx) })
  },
  {
    path: '/block/:hash/tamper',
    name: 'tamper',
    component: () => import('./views/TamperView.vue'),
    props: true
  },
  {
    path: '/tx/:id',
    name: 'transaction',
    component: () => import('./views/TransactionView.vue'),
    props: true
  },
  {
    path: '/address/:address',
    name: 'address',
    component: () => import('./views/AddressView.vue'),
    props: true
  },
  { path: '/wallet', name: 'wallet', component: () => import('./views/WalletView.vue') },
  { path: '/mining', name: 'mining', component: () => import('./views/MiningView.vue') },
  { path: '/peers', name: 'peers', component: () => import('./views/PeersView.vue') },
  { path: '/forks', name: 'forks', component: () => import('./views/ForksView.vue') },
  { path: '/tour', name: 'tour', component: () => import('./views/TourView.vue') },
  { path: '/timeline', name: 'timeline', component: () => import('./views/TimelineView.vue') },
  { path: '/refusals', name: 'refusals', component: () => import('./views/RefusalsView.vue') },
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue') },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue')
  }
]

/** The `tx` query of the inspector as a transaction index: a whole number, else 0. */
export function txIndexOf(q: unknown): number {
  return typeof q === 'string' && /^\d{1,7}$/.test(q) ? Number(q) : 0
}

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes })
}
