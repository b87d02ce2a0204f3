/**
 * The page a browser gets at `/` from a node that has an API token when it did not bring it: a
 * form asking for the token that reloads the page with `?token=`, in the browser's language
 * (Accept-Language), instead of the API's bare 403 JSON. It is static text: nothing about the
 * node (its address, network, version, data dir) and nothing the request sent is written into it.
 */

export type PageLanguage = 'en' | 'zh-CN'

interface PageText {
  title: string
  heading: string
  body: string
  wrong: string
  label: string
  submit: string
}

const TEXT: Record<PageLanguage, PageText> = {
  en: {
    title: 'Blockforge: API token needed',
    heading: 'This node needs its API token',
    body: 'Enter the API token the node was started with (--api-token or BLOCKFORGE_API_TOKEN) to open its UI.',
    wrong: 'That is not this node’s API token.',
    label: 'API token',
    submit: 'Open'
  },
  'zh-CN': {
    title: 'Blockforge：需要 API 令牌',
    heading: '这个节点需要 API 令牌',
    body: '请输入节点启动时设置的 API 令牌（--api-token 或 BLOCKFORGE_API_TOKEN），以打开它的界面。',
    wrong: '这不是这个节点的 API 令牌。',
    label: 'API 令牌',
    submit: '打开'
  }
}

/**
 * The language of an Accept-Language header this page has text for: Chinese when the most
 * preferred of the languages it names that we have is Chinese, else English.
 */
export function pageLanguage(acceptLanguage: string | string[] | undefined): PageLanguage {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '')
  let best: { lang: PageLanguage; q: number } | undefined
  for (const part of header.split(',').slice(0, 32)) {
    const [tag, ...params] = part.trim().toLowerCase().split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    if (!(q > 0)) continue
    const lang: PageLanguage | undefined = tag.startsWith('zh')
      ? 'zh-CN'
      : tag.startsWith('en')
        ? 'en'
        : undefined
    if (lang !== undefined && (best === undefined || q > best.q)) best = { lang, q }
  }
  return best?.lang ?? 'en'
}

/** The whole page; `wrongToken` when the request brought a token that is not the node's. */
export function tokenPage(lang: PageLanguage, wrongToken: boolean): string {
  const s = TEXT[lang]
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${s.title}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1f2225; }
  main { max-width: 420px; margin: 12vh auto; padding: 28px; background: #fff; border: 1px solid #dcdfe3; border-radius: 8px; }
  h1 { font-size: 20px; margin: 0 0 8px; }
  p { margin: 0 0 16px; }
  .wrong { color: #b3261e; font-weight: 600; }
  label { display: block; font-weight: 600; margin-bottom: 4px; }
  input { box-sizing: border-box; width: 100%; padding: 8px; font: inherit; border: 1px solid #8a9099; border-radius: 4px; }
  button { margin-top: 12px; padding: 8px 20px; font: inherit; color: #fff; background: #1d6f42; border: 0; border-radius: 4px; cursor: pointer; }
  input:focus-visible, button:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
  @media (prefers-color-scheme: dark) {
    body { background: #101014; color: #e8e8ea; }
    main { background: #18181c; border-color: #3a3a40; }
    input { background: #101014; color: #e8e8ea; border-color: #8a9099; }
    .wrong { color: #ff8a80; }
    /* The light ring's blue is 2.7:1 on the dark card; this one is 8:1 (WCAG 2.4.7, 1.4.11). */
    input:focus-visible, button:focus-visible { outline-color: #8ab4f8; }
  }
</style>
</head>
<body>
<main>
  <h1>${s.heading}</h1>
  <p>${s.body}</p>
  ${wrongToken ? `<p class="wrong" role="alert">${s.wrong}</p>` : ''}
  <form method="get" action="/">
    <label for="token">${s.label}</label>
    <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required autofocus>
    <button type="submit">${s.submit}</button>
  </form>
</main>
</body>
</html>
`
}
