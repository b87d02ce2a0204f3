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
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue') },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue')
  }
]

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes })
}
