// The dashboard: static files served by the API process, before API-key auth (the shell and
// its scripts hold no data; every /api call they make is authenticated by the session cookie).
import { Router, type Request, type Response } from 'express';
import { importMapHash, importMapOf, loadAssets, makeAsset, type Asset } from './assets.js';
import { moduleClosure } from './module-graph.js';

/** Client-side routes: each answers with the HTML shell, and the app draws the page. */
const PAGES = /^\/(?:|runs(?:\/[^/]+)?|tasks|workflows(?:\/[^/]+)?|schedules|queues|workers|login)\/?$/;

/** The page module each route shows (main.js imports pages lazily; the shell preloads the one it needs). */
function pageModule(urlPath: string): string {
  const [first = 'runs', second] = urlPath.split('/').filter(Boolean);
  if (first === 'runs' && second) return '/app/pages/run.js';
  return `/app/pages/${first}.js`;
}

function securityHeaders(res: Response, scriptHash: string): void {
  res.setHeader(
    'content-security-policy',
    [
      "default-src 'self'",
      `script-src 'self' ${scriptHash}`,
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'self'",
    ].join('; '),
  );
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
}

function send(req: Request, res: Response, asset: Asset, cache: string): void {
  res.setHeader('content-type', asset.type);
  res.setHeader('cache-control', cache);
  res.setHeader('etag', asset.etag);
  res.setHeader('vary', 'accept-encoding');
  if (req.get('if-none-match') === asset.etag) return void res.status(304).end();
  const gzip = /\bgzip\b/.test(req.get('accept-encoding') ?? '');
  if (gzip) res.setHeader('content-encoding', 'gzip');
  const body = gzip ? asset.gzip : asset.body;
  res.setHeader('content-length', String(body.length));
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

let loaded: { assets: Map<string, Asset>; shells: Map<string, Asset>; scriptHash: string } | undefined;

/** Read and compressed once per process, however many apps are created (tests create many). */
function files() {
  if (!loaded) {
    const assets = loadAssets();
    const template = assets.get('/index.html')!.body.toString('utf8');
    assets.delete('/index.html');
    const importMap = importMapOf(template);
    // One shell per page, preloading main.js's modules and that page's.
    const shells = new Map<string, Asset>();
    for (const page of [...assets.keys()].filter((url) => url.startsWith('/app/pages/'))) {
      const modules = moduleClosure(['/app/main.js', page], assets, importMap);
      const links = modules.map((url) => `<link rel="modulepreload" href="${url}">`).join('\n');
      shells.set(page, makeAsset(Buffer.from(template.replace('<!--preload-->', links)), 'index.html'));
    }
    loaded = { assets, shells, scriptHash: importMapHash(template) };
  }
  return loaded;
}

export function dashboardRoutes(): Router {
  const { assets, shells, scriptHash } = files();
  const router = Router();
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const shell = PAGES.test(req.path) ? shells.get(pageModule(req.path)) : undefined;
    if (shell) {
      securityHeaders(res, scriptHash);
      return send(req, res, shell, 'no-cache');
    }
    const asset = assets.get(req.path);
    if (!asset) return next();
    securityHeaders(res, scriptHash);
    // Revalidated with the ETag: a deploy shows at once, an unchanged file costs a 304.
    send(req, res, asset, 'no-cache');
  });
  return router;
}
