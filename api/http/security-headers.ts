// Security headers on every response (API, web app, errors): Hono's secureHeaders with our
// Content-Security-Policy. The web app is built by Vite into external module scripts, so no
// script runs inline or from eval; Element Plus and MapLibre set style attributes (style-src keeps
// 'unsafe-inline' for styles only), MapLibre starts its worker from a blob: URL and draws into
// canvases whose images may be data:/blob: URLs. Nothing is loaded from another origin — but the
// 天地图 basemap tiles, when a key is configured (DRIPLINE_TIANDITU_KEY).
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config.ts';
import { TIANDITU_HOSTS } from '../modules/tiles/basemaps.ts';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  childSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The policy for this configuration: with a 天地图 key, its tile hosts may be fetched and drawn. */
export function contentSecurityPolicy(config: Pick<Config, 'tiandituKey'>) {
  if (!config.tiandituKey) return CONTENT_SECURITY_POLICY;
  const hosts = [TIANDITU_HOSTS];
  return {
    ...CONTENT_SECURITY_POLICY,
    imgSrc: [...CONTENT_SECURITY_POLICY.imgSrc, ...hosts],
    connectSrc: [...CONTENT_SECURITY_POLICY.connectSrc, ...hosts],
  };
}

export function securityHeaders(config: Pick<Config, 'publicUrl' | 'tiandituKey'>) {
  return secureHeaders({
    contentSecurityPolicy: contentSecurityPolicy(config),
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    // HSTS only where the server is reached over https (behind a TLS proxy); on a plain-http
    // LAN install it would mean nothing.
    strictTransportSecurity: config.publicUrl?.startsWith('https://') ? 'max-age=15552000' : false,
    // Photos and the PDF/Excel downloads are fetched by the app itself (same origin).
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
    permissionsPolicy: { camera: ['self'], geolocation: ['self'], microphone: [], payment: [], usb: [] },
  });
}
