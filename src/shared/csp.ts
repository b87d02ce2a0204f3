/**
 * The UI page's Content-Security-Policy, one copy for its three deliveries: the Electron
 * session's response header (src/main/shell/security.ts), the page's own meta tag
 * (src/renderer/index.html, which cannot import it: test/one-rule.test.ts holds the two equal)
 * and, with more, the HTTP server's header (src/main/http/ui-routes.ts).
 *
 * Only the page's own scripts; its own styles plus the inline ones the UI library writes; images
 * from itself and data: URLs (the QR code); requests to itself only; nothing else.
 */
export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"

/**
 * Served over HTTP the page can be reached by any browser, so the header adds what only a header
 * can say or only a web page needs: no other site may frame it (clickjacking; `frame-ancestors` is
 * ignored in a meta tag), no <base> may redirect its relative URLs, its one form (the token page)
 * posts only to the node itself, and fonts from itself.
 */
export const UI_CSP_HTTP = `${UI_CSP}; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`
