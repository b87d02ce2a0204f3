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

/**
 * The same place as linkTo, as a plain href for the app's hash history. For rows drawn many
 * times a second (the Chain screen's list while it scrolls): a RouterLink in every cell resolves
 * its route again on every patch, and that garbage's collection made 60-100 ms pauses while a
 * 100,000-block list scrolled. A click on the plain link changes location.hash, which the
 * router follows. test/renderer/logic.test.ts holds it to router.resolve(linkTo(hit)).href.
 */
export function hrefTo(hit: SearchHit): string {
  switch (hit.kind) {
    case 'block':
      return `#/block/${encodeURIComponent(hit.hash)}`
    case 'transaction':
      return `#/tx/${encodeURIComponent(hit.id)}`
    case 'address':
      return `#/address/${encodeURIComponent(hit.address)}`
  }
}
