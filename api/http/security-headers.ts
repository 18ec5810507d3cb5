// Security headers on every response (API, web app, errors): Hono's secureHeaders with our
// Content-Security-Policy. The web app is built by Vite into external module scripts, so no
// script runs inline or from eval; Element Plus and MapLibre set style attributes (style-src keeps
// 'unsafe-inline' for styles only), MapLibre starts its worker from a blob: URL and draws into
// canvases whose images may be data:/blob: URLs. Nothing is loaded from another origin.
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config.ts';

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

export function securityHeaders(config: Pick<Config, 'publicUrl'>) {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
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
