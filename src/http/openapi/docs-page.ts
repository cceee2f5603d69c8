// The `/docs` page: Swagger UI (@fastify/swagger-ui serves its own assets, so the page loads
// nothing from elsewhere), branded memOS with an inline logo, a favicon and a stylesheet that
// follows the system's dark mode. It shows example values rather than bare schemas.

import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';

const INDIGO = '#4f46e5';
const NIGHT = '#1e1b4b';

/** The mark: an "m" drawn as a path through three memory nodes, on a rounded square. */
const MARK = `<rect x="2" y="2" width="36" height="36" rx="9" fill="${INDIGO}"/><path d="M11 28V15l4.5 6 4.5-6 4.5 6 4.5-6v13" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/><circle cx="11" cy="15" r="2.4" fill="#fff"/><circle cx="20" cy="15" r="2.4" fill="#fff"/><circle cx="29" cy="15" r="2.4" fill="#fff"/>`;

/** The logo of the top bar: the mark and the name, in the system's own sans-serif (no web font). */
export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="196" height="40" viewBox="0 0 196 40" role="img" aria-label="memOS API">${MARK}<text x="48" y="28" font-family="system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif" font-size="22" font-weight="700" fill="#fff">mem<tspan fill="#a5b4fc">OS</tspan><tspan font-weight="400" fill="#c7d2fe" dx="6">API</tspan></text></svg>`;

/** The favicon: the mark alone. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">${MARK}</svg>`;

/**
 * The look: system fonts, memOS colours, no "explore" box (the page shows this server's document
 * only). In dark mode the body of the page is inverted, hues kept, which Swagger UI's many light
 * colours survive better than a hand-written dark palette would; images are turned back.
 */
export const DOCS_CSS = `
body { background: #f8fafc; }
.swagger-ui, .swagger-ui .info .title, .swagger-ui .opblock-tag, .swagger-ui .opblock .opblock-summary-description {
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;
}
.swagger-ui .topbar { background: ${NIGHT}; padding: 8px 0; }
.swagger-ui .topbar .download-url-wrapper { display: none; }
.swagger-ui .topbar-wrapper a.link, .swagger-ui .topbar-wrapper a { max-width: none; }
.swagger-ui .info { margin: 32px 0 24px; }
.swagger-ui .info .title { color: ${NIGHT}; }
.swagger-ui .info a, .swagger-ui .info .link { color: ${INDIGO}; }
.swagger-ui .info .markdown h2 { font-size: 1.15em; margin-top: 1.4em; }
.swagger-ui .scheme-container { box-shadow: none; border-bottom: 1px solid #e2e8f0; background: transparent; }
.swagger-ui .opblock { border-radius: 8px; box-shadow: none; }
.swagger-ui .opblock .opblock-summary-operation-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; color: #64748b; }
.swagger-ui .btn.authorize { border-color: ${INDIGO}; color: ${INDIGO}; }
.swagger-ui .btn.authorize svg { fill: ${INDIGO}; }
/* Swagger UI has its own dark mode (html.dark-mode, from prefers-color-scheme or its toggle): only memOS's colours change. */
html.dark-mode, html.dark-mode body { background: #1c2022; }
html.dark-mode .swagger-ui .info .title { color: #e4e6e6; }
html.dark-mode .swagger-ui .info a, html.dark-mode .swagger-ui .info .link, html.dark-mode .swagger-ui .btn.authorize { color: #a5b4fc; border-color: #a5b4fc; }
html.dark-mode .swagger-ui .btn.authorize svg { fill: #a5b4fc; }
html.dark-mode .swagger-ui .scheme-container { border-bottom-color: #334155; }
`;

/** @fastify/swagger-ui's options for `/docs`. */
export function docsPageOptions(): FastifySwaggerUiOptions {
  return {
    routePrefix: '/docs',
    // Swagger UI would otherwise send the document to an online validator for its badge.
    validatorUrl: false,
    logo: { type: 'image/svg+xml', content: Buffer.from(LOGO_SVG), href: '/docs/', target: '_self' },
    theme: {
      title: 'memOS API',
      css: [{ filename: 'memos.css', content: DOCS_CSS }],
      favicon: [{ filename: 'favicon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: Buffer.from(FAVICON_SVG) }],
    },
    uiConfig: {
      // Operations listed, not expanded; each shows its operationId, request and response examples.
      docExpansion: 'list',
      displayOperationId: true,
      defaultModelRendering: 'example',
      defaultModelExpandDepth: 3,
      defaultModelsExpandDepth: 1,
      displayRequestDuration: true,
      filter: true,
      tryItOutEnabled: true,
      // A key typed into "Authorize" is forgotten when the page closes.
      persistAuthorization: false,
      showCommonExtensions: true,
    },
  };
}
