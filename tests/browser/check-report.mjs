// Loads an HTML report from a file URL in headless Chromium and prints, as JSON, what the
// report test asserts: console errors, requests that left the file, whether the scorecard table
// and an SVG chart are visible, and whether printing to PDF worked.
//
// node check-report.mjs REPORT.html OUT.pdf
import { pathToFileURL } from 'node:url';
import { statSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [, , report, pdf] = process.argv;
const browser = await chromium.launch({
  // No time limit: a busy machine is slow, not broken.
  timeout: 0,
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
page.setDefaultTimeout(0);
const errors = [];
const requests = [];
page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
page.on('pageerror', (error) => errors.push(String(error)));
page.on('request', (request) => {
  const url = request.url();
  if (!url.startsWith('file:') && !url.startsWith('data:')) requests.push(url);
});
await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
const result = {
  errors,
  requests,
  scorecardVisible: await page.locator('table.scorecard').first().isVisible(),
  chartVisible: await page.locator('svg.chart').first().isVisible(),
  charts: await page.locator('svg.chart').count(),
};
await page.pdf({ path: pdf, format: 'A4', printBackground: true });
result.pdfBytes = statSync(pdf).size;
console.log(JSON.stringify(result));
await browser.close();
