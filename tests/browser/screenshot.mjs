// Takes a screenshot of an HTML report in headless Chromium and compares it with a reviewed
// baseline, and looks for text that does not fit: at 1280 px on screen and at A4 and US Letter
// widths in print, header and table cells whose text overflows them, chart labels outside their
// chart or cut, and words broken inside.
// Prints the result as JSON.
//
// node screenshot.mjs REPORT.html BASELINE.png OUT.png
// node screenshot.mjs --fit REPORT.html...     (only what does not fit, for each report)
// node screenshot.mjs --compare BASELINE.png IMAGE.png   (only how far an image is from its baseline)
//
// The images are compared in the browser itself (a canvas decodes both), so that no image
// library is needed: a pixel differs when one of its channels differs by more than 48.
import { pathToFileURL } from 'node:url';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const browser = await chromium.launch({
  // No time limit: a busy machine is slow, not broken.
  timeout: 0,
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none', '--disable-lcd-text', '--force-color-profile=srgb'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1600 }, deviceScaleFactor: 1 });
page.setDefaultTimeout(0);
const open = async (report) => {
  await page.setViewportSize({ width: 1280, height: 1600 });
  await page.emulateMedia({ media: 'screen' });
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
};

// What does not fit, as `selector: text`.
const overflowing = () => page.evaluate(() => {
  const found = [];
  for (const cell of document.querySelectorAll('th, td, h1, h2, h3, .tile .label, .tile .figure')) {
    if (cell.scrollWidth > cell.clientWidth + 1) found.push(`${cell.tagName}: ${cell.textContent.trim().slice(0, 60)}`);
  }
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      if (b.x < box.x - 1 || b.y < box.y - 1 || b.x + b.width > box.x + box.width + 1 || b.y + b.height > box.y + box.height + 1) {
        found.push(`svg text: ${text.textContent.trim().slice(0, 60)}`);
      }
      if (text.textContent.includes('…')) found.push(`svg text cut: ${text.textContent.trim().slice(0, 60)}`);
    }
  }
  // A word broken inside: a Latin word whose letters lie on two lines, or a Chinese name in a
  // table stacked a character a line.
  const lines = (range) => new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const inTable = node.parentElement.closest('th, td');
    for (const word of node.textContent.matchAll(/[A-Za-z][A-Za-z'’]{2,}|[\u4e00-\u9fff]{3,}/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const latin = /^[A-Za-z]/.test(word[0]);
      const count = lines(range);
      if ((latin && count > 1) || (!latin && inTable && count >= 3 && count >= word[0].length)) {
        found.push(`word broken: ${word[0]}`);
      }
    }
  }
  return found;
});

// What does not fit on screen, and in print on A4 and US Letter (each less its side margins
// of 0.47 in, at 96 dpi).
const fit = async () => {
  const screen = await overflowing();
  await page.emulateMedia({ media: 'print' });
  await page.setViewportSize({ width: 704, height: 1600 });
  const a4 = await overflowing();
  await page.setViewportSize({ width: 726, height: 1600 });
  const letter = await overflowing();
  return { screen, print: [...new Set([...a4, ...letter])] };
};

// How far two PNG images are apart: the share of pixels that differ, or their sizes when these do.
async function compare(baseline, image) {
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  const result = await page.evaluate(async ([a, b]) => {
    const load = (data) => new Promise((resolve) => { const i = new Image(); i.onload = () => resolve(i); i.src = data; });
    const [x, y] = await Promise.all([load(a), load(b)]);
    if (x.width !== y.width || x.height !== y.height) return { sizes: [[x.width, x.height], [y.width, y.height]] };
    const pixels = (image) => {
      const canvas = document.createElement('canvas');
      canvas.width = image.width; canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      return context.getImageData(0, 0, image.width, image.height).data;
    };
    const [p, q] = [pixels(x), pixels(y)];
    let differing = 0;
    for (let i = 0; i < p.length; i += 4) {
      if (Math.abs(p[i] - q[i]) > 48 || Math.abs(p[i + 1] - q[i + 1]) > 48 || Math.abs(p[i + 2] - q[i + 2]) > 48) differing++;
    }
    return { ratio: differing / (p.length / 4) };
  }, ['data:image/png;base64,' + baseline.toString('base64'), 'data:image/png;base64,' + image.toString('base64')]);
  await page.close();
  return result;
}

if (process.argv[2] === '--compare') {
  console.log(JSON.stringify(await compare(readFileSync(process.argv[3]), readFileSync(process.argv[4]))));
  await browser.close();
  process.exit(0);
}

if (process.argv[2] === '--fit') {
  const found = {};
  for (const report of process.argv.slice(3)) {
    await open(report);
    const { screen, print } = await fit();
    if (screen.length || print.length) found[report] = { screen, print };
  }
  console.log(JSON.stringify(found));
  await browser.close();
  process.exit(0);
}

const [, , report, baseline, out] = process.argv;
await open(report);
const shot = await page.screenshot({ fullPage: false });
writeFileSync(out, shot);
const { screen, print } = await fit();

const difference = existsSync(baseline) ? await compare(readFileSync(baseline), shot) : null;
console.log(JSON.stringify({ screen, print, difference }));
await browser.close();
