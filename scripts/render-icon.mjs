// Renders media/icon.svg to the 128-px PNG the Marketplace needs (media/icon.png) with Debian's Chromium.
// Run after editing the SVG: node scripts/render-icon.mjs (the PNG is committed; the build does not run this).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const svg = readFileSync(join(root, 'media', 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await page.locator('svg').screenshot({ path: join(root, 'media', 'icon.png'), omitBackground: true });
await browser.close();
