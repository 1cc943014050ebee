import { readFileSync } from 'node:fs';

/** Debian's Chromium, which the browser tests drive through playwright-core (nothing is downloaded). */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless flags: no sandbox (root in CI), no GPU, and none of Chromium's own background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--disable-domain-reliability',
  '--metrics-recording-only',
  '--no-proxy-server',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
];

/** axe-core, injected into pages for the accessibility checks. */
export const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
