import type { RouteLocationRaw } from 'vue-router'
import type { SearchHit } from '@shared/api'

/** The page of a block, a transaction or an address. */
export function linkTo(hit: SearchHit): RouteLocationRaw {
  switch (hit.kind) {
    case 'block':
      return { name: 'block', params: { hash: hit.hash } }
    case 'transaction':
      return { name: 'transaction', params: { id: hit.id } }
    case 'address':
      return { name: 'address', params: { address: hit.address } }
  }
}
