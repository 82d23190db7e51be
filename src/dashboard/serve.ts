// The dashboard: static files served by the API process, before API-key auth (the shell and
// its scripts hold no data; every /api call they make is authenticated by the session cookie).
import { Router, type Request, type Response } from 'express';
import { importMapHash, loadAssets, type Asset } from './assets.js';

/** Client-side routes: each answers with the HTML shell, and the app draws the page. */
const PAGES = /^\/(?:|runs(?:\/[^/]+)?|tasks|workflows(?:\/[^/]+)?|schedules|workers|login)\/?$/;

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

let loaded: { assets: Map<string, Asset>; shell: Asset; scriptHash: string } | undefined;

/** Read and compressed once per process, however many apps are created (tests create many). */
function files() {
  if (!loaded) {
    const assets = loadAssets();
    const shell = assets.get('/index.html')!;
    assets.delete('/index.html');
    loaded = { assets, shell, scriptHash: importMapHash(shell.body.toString('utf8')) };
  }
  return loaded;
}

export function dashboardRoutes(): Router {
  const { assets, shell, scriptHash } = files();
  const router = Router();
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (PAGES.test(req.path)) {
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
