// End-to-end tests in a real browser: Debian's Chromium driven by
// playwright-core, against `galley serve` on an ephemeral loopback port
// over a fresh demo site.  Each scenario runs with JavaScript on and,
// where the feature promises to work without it, off.  Screenshots go to
// tests/e2e/out/.  Ends with "N passed, N failed"; exits 1 on a failure.
//
//   node tests/e2e/run.mjs build/galley [../shared]
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, existsSync }
    from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const galley = resolve(process.argv[2] || 'build/galley');
const shared = resolve(process.argv[3] || process.env.SHARED || join(here, '../../../shared'));
const out = join(here, 'out');
const ARTICLE = '/2015/10/russian-isis-strikes-hit-us-backed-anti-isis-groups-instead/';
const PW = 'correct horse battery';
let passed = 0, failed = 0;

function check(ok, what) {
	if (ok) passed++;
	else { failed++; console.error(`FAIL ${what}`); }
	return ok;
}

function run(...args) {
	return execFileSync(galley, args, { encoding: 'utf8' });
}

function freePort() {
	return new Promise((res) => {
		const s = createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => res(port));
		});
	});
}

async function until(fn, ms = 5000) {
	const end = Date.now() + ms;
	for (;;) {
		if (await fn()) return true;
		if (Date.now() > end) return false;
		await new Promise((r) => setTimeout(r, 100));
	}
}

// The site, its server, and a browser.
const dir = mkdtempSync(join(tmpdir(), 'galley-e2e-'));
run('init', dir, '--demo');
for (const [k, v] of [['comment_flood_seconds', '0'], ['comment_min_seconds', '0'],
    ['comments_per_page', '1000']])
	run('config', dir, 'set', k, v);
execFileSync(galley, ['user', dir, 'add', '--email', 'editor@example.org', '--name',
    'Ed Editor', '--role', 'editor'], { input: PW + '\n' });
execFileSync(galley, ['user', dir, 'add', '--email', 'author@example.org', '--name',
    'Ann Author', '--role', 'author'], { input: PW + '\n' });
execFileSync(galley, ['user', dir, 'add', '--email', 'admin@example.org', '--name',
    'Ada Admin', '--role', 'admin'], { input: PW + '\n' });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// Mail on, to a real SMTP server (aiosmtpd: tests/smtp_sink.py) that keeps
// each message in a folder; links in mail on this server's address.
const sinkDir = join(dir, 'sink');
const sink = spawn('/usr/bin/python3', [join(here, '..', 'smtp_sink.py'), '--dir', sinkDir],
    { stdio: 'ignore' });
check(await until(async () => existsSync(join(sinkDir, 'port')), 10000),
    'the SMTP server starts');
appendFileSync(join(dir, 'galley.conf'), 'smtp_url = smtp://127.0.0.1:' +
    readFileSync(join(sinkDir, 'port'), 'utf8').trim() +
    '\nmail_from = Galley News <news@galley.test>\nmail_retry_seconds = 1\n');
run('config', dir, 'set', 'base_url', base);
// Staff notices of every comment below would only crowd the mail.
run('config', dir, 'set', 'comments_notify', 'false');
run('config', dir, 'set', 'moderation_notify', 'false');
const server = spawn(galley, ['serve', dir, '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] });
let log = '';
server.stderr.on('data', (d) => { log += d; });
// A run that dies of an uncaught error takes its server and sink with it.
process.on('exit', () => {
	for (const p of [server, sink])
		if (p.exitCode === null && p.signalCode === null)
			p.kill('SIGKILL');
});
check(await until(async () => {
	try { return (await fetch(base + '/')).ok; } catch { return false; }
}), 'galley serve answers');
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

// The messages the SMTP server took: envelope recipient, subject, and the
// text part decoded (quoted-printable, UTF-8), oldest first.
function mails() {
	return readdirSync(sinkDir).filter((f) => f.endsWith('.eml')).sort().map((f) => {
		const raw = readFileSync(join(sinkDir, f), 'latin1');
		const rcpt = readFileSync(join(sinkDir, f.replace(/\.eml$/, '.rcpt')), 'utf8').trim();
		const at = raw.search(/Content-Type: text\/plain/i);
		let text = '';
		if (at >= 0) {
			const body = raw.slice(raw.indexOf('\r\n\r\n', at) + 4);
			const b = raw.match(/boundary="([^"]+)"/);
			const end = b ? body.indexOf('\r\n--' + b[1]) : -1;
			text = Buffer.from((end >= 0 ? body.slice(0, end) : body)
			    .replace(/=\r\n/g, '')
			    .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))),
			    'latin1').toString('utf8');
		}
		return { rcpt, raw, text };
	});
}

// The first message to addr whose text matches re, waited for.
async function mailTo(addr, re, ms = 15000) {
	let m;
	await until(async () => (m = mails().find((x) => x.rcpt === addr && re.test(x.text)))
	    !== undefined, ms);
	return m;
}

// The first link in text to a path of this site beginning with path.
function linkIn(text, path) {
	const at = text.indexOf(base + path);
	return at < 0 ? null : text.slice(at).split(/\s/)[0];
}

// A page that records every request and console error, and fails on dialogs.
async function open(js, opts = {}) {
	const ctx = await browser.newContext({ javaScriptEnabled: js, ...opts });
	const page = await ctx.newPage();
	page.requests = [];
	page.errors = [];
	page.dialogs = 0;
	page.on('request', (r) => page.requests.push(r.url()));
	page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
	page.on('pageerror', (e) => page.errors.push(String(e)));
	page.on('dialog', async (d) => { page.dialogs++; await d.dismiss(); });
	return page;
}

// Logs page in as email through the login form.
async function login(page, email) {
	await page.goto(base + '/admin/login/');
	await page.locator('#email').fill(email);
	await page.locator('#password').fill(PW);
	await page.locator('button[type="submit"]').click();
	await page.waitForLoadState();
}

// axe-core on the page shown: no serious or critical violation (the
// first nodes of each named).
const axe = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
async function axeClean(page, what) {
	await page.addScriptTag({ content: axe });
	const v = await page.evaluate(async () => (await window.axe.run(document, {
	    runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] })).violations
	    .filter((x) => x.impact === 'serious' || x.impact === 'critical')
	    .map((x) => `${x.id}: ${x.nodes.length} ${x.nodes.slice(0, 2).map((n) => n.target).join(' ')}`));
	check(v.length === 0, `axe on ${what}: ${v.join(', ')}`);
}

function foreign(page) {
	return page.requests.filter((u) => !u.startsWith(base) && !u.startsWith('data:'));
}

// 1. The seed article, read as a reader would.
for (const js of [true, false]) {
	const page = await open(js);
	const res = await page.goto(base + ARTICLE);
	check(res.status() === 200, `article 200 (js ${js})`);
	check((await page.locator('h1').first().innerText()).includes('Russian'), `title (js ${js})`);
	check((await page.locator('.rating-text').innerText()).includes('6.0/10 (2 votes cast)'),
	    `rating shown (js ${js})`);
	check(await page.locator('#comment-2 .comment-author').innerText() === 'Brian',
	    `the reply nested (js ${js})`);
	await page.screenshot({ path: join(out, `article${js ? '' : '-nojs'}.png`), fullPage: true });
	check(foreign(page).length === 0, `no request to another host (js ${js}): ${foreign(page)}`);
	await page.context().close();
}

// 2. The video: nothing from YouTube until the click; then the iframe.
{
	const page = await open(true);
	await page.goto(base + ARTICLE);
	check(foreign(page).length === 0, 'before the click, only our host');
	check(await page.locator('iframe').count() === 0, 'no iframe before the click');
	await page.locator('figure.video a.video-link').click();
	await page.waitForSelector('figure.video iframe', { timeout: 5000 }).catch(() => {});
	const src = await page.locator('figure.video iframe').getAttribute('src').catch(() => null);
	check(src !== null && src.startsWith('https://www.youtube-nocookie.com/embed/oqJPVlDdLek'),
	    `the iframe from youtube-nocookie.com: ${src}`);
	await page.context().close();
	// Without JavaScript it is a plain link to the video.
	const nojs = await open(false);
	await nojs.goto(base + ARTICLE);
	check(await nojs.locator('figure.video a.video-link').getAttribute('href') ===
	    'https://www.youtube.com/watch?v=oqJPVlDdLek', 'no script: a link to the video');
	await nojs.context().close();
}

// 3. Rating the article 7, then once more.
{
	const page = await open(true);
	await page.goto(base + ARTICLE);
	await page.locator('form.rate input[name="value"][value="7"]').check();
	await page.locator('form.rate button.rate-submit').click();
	check(await until(async () => (await page.locator('.rating-text').innerText())
	    .includes('(3 votes cast)')), 'the aggregate changes in place');
	check((await page.locator('.rating-average').innerText()) === '6.3', 'the new average');
	check(await until(async () => (await page.locator('form.rate .vote-message').innerText())
	    .length > 0), 'a message after voting');
	await page.reload();
	check(await until(async () => (await page.locator('form.rate .vote-message').innerText())
	    .includes('You rated 7')), '"You rated 7" after a reload');
	await page.locator('form.rate input[name="value"][value="9"]').check();
	await page.locator('form.rate button.rate-submit').click();
	check(await until(async () => (await page.locator('form.rate .vote-message').innerText())
	    .includes('already')), 'a second vote is refused');
	check((await page.locator('.rating-text').innerText()).includes('(3 votes cast)'),
	    'and changes nothing');
	await page.context().close();
	// Without JavaScript (another reader: the IP is the same, so cookie
	// identity only for this part).
	run('config', dir, 'set', 'vote_identity', 'cookie');
	const nojs = await open(false);
	await nojs.goto(base + ARTICLE);
	await nojs.locator('form.rate input[name="value"][value="1"]').check();
	await nojs.locator('form.rate button.rate-submit').click();
	await nojs.waitForLoadState();
	check((await nojs.locator('.rating-text').innerText()).includes('(4 votes cast)'),
	    'no script: the vote counts, back on the article');
	await nojs.goto(base + ARTICLE);
	await nojs.locator('form.rate input[name="value"][value="2"]').check();
	await nojs.locator('form.rate button.rate-submit').click();
	await nojs.waitForLoadState();
	check((await nojs.content()).includes('already rated'), 'no script: the repeat is refused');
	await nojs.context().close();
	run('config', dir, 'set', 'vote_identity', 'both');
}

// 4. Thumbs up on a comment.
for (const js of [true, false]) {
	const page = await open(js);
	await page.goto(base + ARTICLE);
	const before = await page.locator('#comment-2 > article .comment-votes').innerText();
	await page.locator('#comment-2 > article button.thumb-up').click();
	if (js) {
		check(await until(async () => await page.locator('#comment-2 > article .comment-votes')
		    .innerText() !== before), `thumbs up counted in place (js ${js})`);
	} else {
		await page.waitForLoadState();
		check(await page.locator('#comment-2 > article .comment-votes').innerText() !== before,
		    'no script: thumbs up counted');
	}
	await page.context().close();
	run('config', dir, 'set', 'vote_identity', 'cookie');
}
run('config', dir, 'set', 'vote_identity', 'both');

// 4b. The stars and the thumbs are drawn, not typed: no font needed.
// A pointer picks a star, the arrow keys move along them, and the stars
// up to the one chosen (or pointed at) are lit.
{
	const page = await open(true);
	await page.goto(base + ARTICLE);
	const stars = page.locator('form.rate .rate-choice');
	check(await stars.count() === 10, 'ten stars to choose from');
	const box = await stars.nth(3).boundingBox();
	check(box && box.width >= 20 && box.height >= 20, 'a star is big enough to point at');
	const lit = () => page.evaluate(() => {
		const on = getComputedStyle(document.documentElement)
		    .getPropertyValue('--star').trim();
		const probe = document.createElement('span');
		probe.style.color = on;
		document.body.append(probe);
		const want = getComputedStyle(probe).color;
		probe.remove();
		return [...document.querySelectorAll('form.rate .rate-choice .star')]
		    .map((s) => getComputedStyle(s).backgroundColor === want ? 1 : 0).join('');
	});
	await stars.nth(3).click();
	check(await page.locator('form.rate input[name="value"]:checked')
	    .getAttribute('value') === '4', 'a click on the fourth star chooses 4');
	await page.mouse.move(0, 0);
	check(await lit() === '1111000000', `four stars lit (${await lit()})`);
	await page.keyboard.press('ArrowRight');
	check(await page.locator('form.rate input[name="value"]:checked')
	    .getAttribute('value') === '5', 'the arrow key moves to 5');
	check(await lit() === '1111100000', `five stars lit (${await lit()})`);
	check(await page.evaluate(() => document.activeElement.matches(
	    'form.rate .rate-choice:nth-child(5) input')), 'the focus is on the fifth');
	await stars.nth(7).hover();
	check(await lit() === '1111111100', `eight lit under the pointer (${await lit()})`);
	for (const [cls, name] of [['thumb-up', 'Thumbs up for this comment'],
	    ['thumb-down', 'Thumbs down for this comment']]) {
		const b = page.locator(`#comment-2 > article button.${cls}`);
		const icon = await b.locator('svg').boundingBox();
		check(icon && icon.width === 18 && icon.height === 18, `${cls}: an 18px icon`);
		check(!/\p{Extended_Pictographic}/u.test(await b.textContent()),
		    `${cls}: no emoji to need a font for`);
		check(await page.getByRole('button', { name }).count() >= 2,
		    `${cls}: named for screen readers`);
	}
	await page.context().close();
}

// 5. A refused form: the messages beside the fields, the text kept.
for (const js of [true, false]) {
	const page = await open(js);
	await page.goto(base + ARTICLE);
	await page.locator('#comment').fill('Words I do not want to lose.');
	if (js) {
		// Empty name and email: the browser's own checks would stop it
		// first, so let the server's speak.
		await page.evaluate(() => {
			document.getElementById('commentform').noValidate = true;
		});
	} else {
		// Without a script the browser checks "required" and the email's
		// form; "a@b" passes those, not the server's.
		await page.locator('#author').fill('Nemo');
		await page.locator('#email').fill('a@b');
	}
	await page.locator('#submit').click();
	await page.waitForLoadState();
	check(await page.locator('#email-error').count() === 1 &&
	    (!js || await page.locator('#author-error').count() === 1),
	    `messages beside the fields (js ${js})`);
	check(await page.locator('#comment').inputValue() === 'Words I do not want to lose.',
	    `the text kept (js ${js})`);
	if (!js)
		check(await page.locator('#author').inputValue() === 'Nemo', 'the name kept');
	await page.screenshot({ path: join(out, `refused-form${js ? '' : '-nojs'}.png`) });
	await page.context().close();
}

// 6. A comment with a picture: held, approved in the admin, shown.
const jpeg = join(shared, 'fixtures/jpeg/valid/exif-gps-orientation6.jpg');
for (const js of [true, false]) {
	const page = await open(js);
	await page.goto(base + ARTICLE);
	const text = `A picture from the scene (js ${js}).`;
	await page.locator('#author').fill('Pia Picture');
	await page.locator('#email').fill(js ? 'pia@example.net' : 'pia2@example.net');
	await page.locator('#comment').fill(text);
	await page.locator('#image').setInputFiles(jpeg);
	await page.locator('#submit').click();
	await page.waitForLoadState();
	check(page.url().includes('unapproved='), `held, with a link for its writer (js ${js})`);
	check((await page.content()).includes('awaiting moderation'), `"awaiting moderation" (js ${js})`);
	await page.context().close();
}
{
	const admin = await open(false);
	await admin.goto(base + '/admin/');
	check(admin.url().includes('/admin/login/'), 'the admin asks to log in');
	await admin.locator('#email').fill('editor@example.org');
	await admin.locator('#password').fill(PW);
	await admin.locator('button[type="submit"]').click();
	await admin.waitForLoadState();
	// The dashboard shows the held pictures before anyone approves them.
	const thumbs = admin.locator('.admin-held img');
	check(await thumbs.count() >= 2 && await thumbs.first().evaluate((i) =>
	    i.complete && i.naturalWidth > 0), 'the held pictures on the dashboard');
	await admin.screenshot({ path: join(out, 'dashboard.png'), fullPage: true });
	await admin.goto(base + '/admin/comments/?status=pending');
	await admin.screenshot({ path: join(out, 'admin-queue.png'), fullPage: true });
	const rows = admin.locator('tr', { hasText: 'A picture from the scene' });
	check(await rows.count() === 2, 'both pictures wait in the queue');
	for (let i = 0; i < await rows.count(); i++)
		await rows.nth(i).locator('input[type="checkbox"]').check();
	await admin.locator('#action').selectOption('approve');
	await admin.locator('form.admin-bulk button.bulk-apply').click();
	await admin.waitForLoadState();
	check((await admin.content()).includes('2 comments approved'), 'approved in the admin');
	await admin.context().close();
	const page = await open(true);
	await page.goto(base + ARTICLE);
	const img = page.locator('.comment-image img');
	check(await img.count() === 2, 'published with thumbnails');
	const src = await img.first().getAttribute('src');
	const r = await fetch(base + src);
	check(r.ok && r.headers.get('content-type') === 'image/jpeg', 'the thumbnail is served');
	// Load the lazy pictures too, for the person who looks at the screenshot.
	await page.evaluate(() => document.querySelectorAll('img[loading="lazy"]')
	    .forEach((i) => { i.loading = 'eager'; }));
	await until(async () => page.evaluate(() => [...document.images]
	    .every((i) => i.complete && i.naturalWidth > 0)), 3000);
	await page.screenshot({ path: join(out, 'article-with-pictures.png'), fullPage: true });
	await page.context().close();
}

// 7. Replying through the reply link.
for (const js of [true, false]) {
	const page = await open(js);
	await page.goto(base + ARTICLE);
	await page.locator('#comment-1 > article a.comment-reply-link').click();
	await page.waitForLoadState();
	if (js)
		check(await page.locator('#comment-1 #respond').count() === 1,
		    'the form moves under the comment');
	else
		check(page.url().includes('replytocom=1'), 'no script: the reply page');
	check(await page.locator('#comment_parent').inputValue() === '1', `parent set (js ${js})`);
	await page.locator('#author').fill('Rae Reply');
	await page.locator('#email').fill(js ? 'rae@example.net' : 'rae2@example.net');
	await page.locator('#comment').fill(`My reply to Oleg (js ${js}).`);
	await page.locator('#submit').click();
	await page.waitForLoadState();
	check(await page.locator('#comment-1 .children', { hasText: `My reply to Oleg (js ${js}).` })
	    .count() >= 1, `the held reply, under its parent, for its writer (js ${js})`);
	await page.context().close();
}

// 8. Accessibility: axe-core, no serious or critical violations.
{
	const ctx = await browser.newContext({ bypassCSP: true });
	const page = await ctx.newPage();
	await login(page, 'editor@example.org');
	for (const path of ['/', ARTICLE, '/category/terrorism/', '/privacy/', '/admin/comments/']) {
		await page.goto(base + path);
		await axeClean(page, path);
	}
	await ctx.close();
}

// 9. Every XSS payload as an approved comment: nothing runs, nothing leaves.
{
	run('config', dir, 'set', 'comment_moderate_first', 'false');
	run('config', dir, 'set', 'comment_max_links', '100');
	run('config', dir, 'set', 'moderation_words', '');
	run('config', dir, 'set', 'disallowed_words', '');
	const lines = readFileSync(join(shared, 'fixtures/xss/payloads.txt'), 'utf8')
	    .split('\n').filter((l) => l.length > 0);
	let stored = 0;
	const post = async (line, i) => {
		const stamp = await (await fetch(`${base}/comments/stamp?post=1`)).text();
		const body = new URLSearchParams({ post: '1', author: line.slice(0, 100) || 'x',
		    email: `xss${i}@example.org`, comment: line, stamp });
		const r = await fetch(base + '/comments', { method: 'POST', body,
		    redirect: 'manual', headers: { 'User-Agent': 'e2e' } });
		if (r.status === 303) stored++;
	};
	for (let i = 0; i < lines.length; i += 8)
		await Promise.all(lines.slice(i, i + 8).map((l, k) => post(l, i + k)));
	check(stored > lines.length / 2, `payloads stored: ${stored} of ${lines.length}`);
	const page = await open(true);
	let p = 1, pages = 0;
	for (;;) {
		const res = await page.goto(base + ARTICLE + (p > 1 ? `comment-page-${p}/` : ''));
		if (res.status() !== 200) break;
		pages++;
		await page.waitForTimeout(200);
		if (!(await page.content()).includes(`comment-page-${p + 1}/`)) break;
		p++;
	}
	check(pages >= 1, `comment pages read: ${pages}`);
	check(page.dialogs === 0, `no dialog opened (${page.dialogs})`);
	const injected = page.errors.filter((e) => !e.includes('Failed to load resource'));
	check(injected.length === 0, `no console error from an injected script: ${injected.slice(0, 3)}`);
	check(foreign(page).length === 0, `no request to another host: ${foreign(page).slice(0, 3)}`);
	await page.context().close();
	// Done with them: the article's pages go back to their usual size,
	// so that the blocks after this one (axe, the buttons' glyphs) read
	// 50 comments, not 1,000 payloads (12 s an axe run on those).
	run('config', dir, 'set', 'comments_per_page', '50');
	const shown = ((await (await fetch(base + ARTICLE)).text()).match(/ id="comment-\d+"/g) || []).length;
	check(shown > 0 && shown < 100, `the article's first page back to 50 threads (${shown} comments)`);
}

// 10. Every XSS payload in an author's post, published from the editor:
// the page is read with the CSP switched off, so that only the filter
// (kses) stands between the payloads and the reader.  Before them, markup
// a browser nests otherwise than libxml2 does, to close the page's own
// elements from inside the body.
const BREAKOUTS = '<ul><li>a<div><li>b</li></div></li></ul>\n\n' +
    '<dl><dd>a<div><dt>b</dt></div></dd></dl>\n\n' +
    '<table><article><table></table></article></table>\n\n' +
    '<div></div></div></article><p>outside?</p>\n\n';
{
	const payloads = readFileSync(join(shared, 'fixtures/xss/payloads.txt'), 'utf8');
	const admin = await open(true);
	await admin.goto(base + '/admin/login/');
	await admin.locator('#email').fill('author@example.org');
	await admin.locator('#password').fill(PW);
	await admin.locator('button[type="submit"]').click();
	await admin.waitForLoadState();
	await admin.goto(base + '/admin/posts/?edit=new');
	await admin.locator('#title').fill('Every payload');
	await admin.locator('#format').selectOption('html');
	// 280 KB: typed in, it would take minutes; set as a paste would.
	await admin.locator('#body').evaluate((t, v) => { t.value = v; },
	    'The first words.\n\n' + BREAKOUTS + payloads.split('\n').join('\n\n'));
	await admin.locator('#st-publish').check();
	await admin.locator('button[name="action"][value="save"]').click();
	await admin.waitForLoadState();
	check(admin.url().includes('done='), `the author's post saved: ${admin.url()}`);
	await admin.context().close();
	const d = new Date();
	const path = `/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/every-payload/`;
	const page = await open(true, { bypassCSP: true });
	const res = await page.goto(base + path);
	check(res.status() === 200, `the post is published: ${path}`);
	await page.waitForTimeout(1500);	// time for a refresh or a timer to fire
	check(page.url() === base + path, `still on the post (no refresh, no redirect): ${page.url()}`);
	check((await page.content()).includes('The first words.'), 'the body is there');
	// The body is balanced: the page around it stands as it should.
	check(await page.locator('#respond #commentform').count() === 1,
	    'the comment form after the body is intact');
	check(await page.evaluate(() => document.querySelectorAll('article.post').length === 1 &&
	    document.querySelectorAll('article.post > div.post-body').length === 1 &&
	    document.querySelector('article.post > #rating') !== null &&
	    document.querySelector('.post-body #rating, .post-body #respond') === null &&
	    document.querySelector('.post-body').textContent.includes('outside?')),
	    'the body stays inside its <div>, the rating after it in the article');
	check(page.dialogs === 0, `no dialog from an author's payload (${page.dialogs})`);
	const injected = page.errors.filter((e) => !e.includes('Failed to load resource'));
	check(injected.length === 0, `no script of the author's ran: ${injected.slice(0, 3)}`);
	await page.context().close();
	// With the CSP as served, nothing leaves for another host either.
	const strict = await open(true);
	await strict.goto(base + path);
	check(foreign(strict).length === 0, `no request to another host: ${foreign(strict).slice(0, 3)}`);
	await strict.context().close();
}

// 10. An article with several of our pictures: all load, nothing shifts
// as they do (the layout-shift API), and only the first loads eagerly.
{
	const pics = ['blank_800x280.jpg', 'exif-gps-orientation6.jpg', 'grayscale_large.jpg']
	    .map((f) => join(shared, 'fixtures/jpeg/valid', f)).filter((f) => existsSync(f));
	const admin = await open(false);
	await admin.goto(base + '/admin/login/');
	await admin.locator('#email').fill('editor@example.org');
	await admin.locator('#password').fill(PW);
	await admin.locator('button[type="submit"]').click();
	await admin.waitForLoadState();
	const md = [];
	for (const [i, f] of pics.entries()) {
		await admin.goto(base + '/admin/media/');
		await admin.locator('#image').setInputFiles(f);
		await admin.locator('#alt').fill(`Picture ${i + 1}`);
		await admin.locator('form.admin-upload button[type="submit"]').click();
		await admin.waitForLoadState();
		md.push(await admin.locator('ul.admin-media > li').first()
		    .locator('input.insert-markdown').inputValue());
	}
	check(md.length === 3, `three pictures uploaded (${md.length})`);
	const filler = Array.from({ length: 40 }, (_, i) =>
	    `Paragraph ${i} of the story, long enough to take a line or two of the column as readers see it.`)
	    .join('\n\n');
	await admin.goto(base + '/admin/posts/?edit=new');
	await admin.locator('#title').fill('Pictures in a row');
	await admin.locator('#body').evaluate((t, v) => { t.value = v; },
	    md.map((m) => `${m}\n\n${filler}`).join('\n\n'));
	await admin.locator('#st-publish').check();
	await admin.locator('button[name="action"][value="save"]').click();
	await admin.waitForLoadState();
	await admin.context().close();
	const d = new Date();
	const path = `/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/pictures-in-a-row/`;
	const page = await open(true);
	await page.setViewportSize({ width: 800, height: 600 });
	await page.addInitScript(() => {
		window.__cls = 0;
		new PerformanceObserver((l) => {
			for (const e of l.getEntries())
				if (!e.hadRecentInput) window.__cls += e.value;
		}).observe({ type: 'layout-shift', buffered: true });
	});
	await page.goto(base + path);
	await page.waitForLoadState('load');
	const imgs = page.locator('.post-body img');
	check(await imgs.count() === 3, `three pictures in the body (${await imgs.count()})`);
	const loading = await imgs.evaluateAll((l) => l.map((i) => i.getAttribute('loading')));
	check(loading[0] === null && loading.slice(1).every((v) => v === 'lazy'),
	    `only the first is eager: ${loading}`);
	check(await imgs.evaluateAll((l) => l.every((i) => i.getAttribute('width') &&
	    i.getAttribute('height') && i.getAttribute('srcset'))), 'each has its size and srcset');
	const early = page.requests.filter((u) => u.includes('/media/')).length;
	check(early === 1, `before scrolling, the first picture alone was fetched (${early})`);
	// Each picture in view in turn (a loaded machine may draw no frame while a
	// fast scroll passes one, and a lazy picture is fetched when drawn).
	for (const img of await imgs.all())
		await img.scrollIntoViewIfNeeded().catch(() => {});
	check(await until(async () => page.evaluate(() => [...document.querySelectorAll('.post-body img')]
	    .every((i) => i.complete && i.naturalWidth > 0)), 15000), 'every picture loads');
	// Layout shifts are reported after a frame: let one pass.
	await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
	const cls = await page.evaluate(() => window.__cls);
	check(cls < 0.01, `no layout shift as they load (${cls})`);
	check(foreign(page).length === 0, `no request to another host: ${foreign(page).slice(0, 3)}`);
	await page.screenshot({ path: join(out, 'article-responsive.png'), fullPage: true });
	await page.context().close();
}

// 12. A reader asks to hear of replies, confirms from the mail, and is told
// of a reply; then leaves the thread from the mail's link.  Nothing is sent
// before the confirmation, and no link's GET changes anything.
{
	run('config', dir, 'set', 'comment_moderate_first', 'false');
	const sue = 'sue@example.net';
	const page = await open(true);
	await page.goto(base + ARTICLE);
	check(!(await page.locator('#notify').isChecked()), 'the box starts unticked');
	await page.locator('#author').fill('Sue Subscriber');
	await page.locator('#email').fill(sue);
	await page.locator('#comment').fill('Tell me when someone answers, please.');
	await page.locator('#notify').check();
	await page.locator('#submit').click();
	await page.waitForLoadState();
	const sueId = (page.url().match(/#comment-(\d+)/) || [])[1];
	check(sueId !== undefined, `back on the article at the comment (${page.url()})`);
	const confirm = await mailTo(sue, /\/mail\/confirm/);
	const confirmUrl = confirm ? linkIn(confirm.text, '/mail/confirm') : null;
	check(confirmUrl !== null, 'one confirmation arrives, with its link');
	await page.goto(confirmUrl);
	check(await page.locator('form button.submit').count() === 1, 'the link shows a button');
	// A reply before confirming: nothing goes to Sue.
	const rae = await open(false);
	await rae.goto(`${base}${ARTICLE}?replytocom=${sueId}#respond`);
	await rae.locator('#author').fill('Rae Early');
	await rae.locator('#email').fill('rae-early@example.net');
	await rae.locator('#comment').fill('An answer before she confirmed.');
	await rae.locator('#submit').click();
	await rae.waitForLoadState();
	await page.waitForTimeout(1500);
	check(mails().filter((m) => m.rcpt === sue).length === 1,
	    'nothing but the confirmation before confirming');
	await page.locator('form button.submit').click();
	await page.waitForLoadState();
	check((await page.content()).includes('Confirmed'), 'the button confirms');
	await page.screenshot({ path: join(out, 'mail-confirmed.png') });
	// Now a reply is told of.
	await rae.goto(`${base}${ARTICLE}?replytocom=${sueId}#respond`);
	await rae.locator('#author').fill('Rae Reply');
	await rae.locator('#email').fill('rae-reply@example.net');
	await rae.locator('#comment').fill('Here is the answer you waited for.');
	await rae.locator('#submit').click();
	await rae.waitForLoadState();
	await rae.context().close();
	const told = await mailTo(sue, /Here is the answer you waited for\./);
	check(told !== undefined, 'the reply arrives by mail');
	check(told !== undefined && told.raw.includes('List-Unsubscribe-Post: List-Unsubscribe=One-Click'),
	    'with a one-click unsubscribe');
	check(mails().filter((m) => m.rcpt === sue).length === 2, 'and nothing else: the early reply'
	    + ' was not told of');
	const readUrl = told ? linkIn(told.text, ARTICLE) : null;
	check(readUrl !== null, 'a link to the reply');
	if (readUrl !== null) {
		await page.goto(readUrl);
		const rid = (readUrl.match(/#comment-(\d+)/) || [])[1];
		check(rid !== undefined && await page.locator(`#comment-${rid}`)
		    .innerText().then((t) => t.includes('Here is the answer you waited for.')),
		    'the link opens the reply in place');
	}
	const unsubUrl = told ? linkIn(told.text, '/mail/unsubscribe') : null;
	check(unsubUrl !== null, 'an unsubscribe link');
	if (unsubUrl !== null) {
		await page.goto(unsubUrl);
		await page.goto(unsubUrl);	/* GET twice: still subscribed */
		await page.locator('form button.submit').click();
		await page.waitForLoadState();
		check((await page.content()).includes('Unsubscribed'), 'the button unsubscribes');
	}
	check(foreign(page).length === 0, `no request to another host: ${foreign(page)}`);
	await page.context().close();
}

// 13. An editor who lost the password asks for a link, sets a new password
// from the mail, and logs in with it; the old one no longer works.
{
	const ed = 'editor@example.org', NEW = 'a new horse battery staple';
	const page = await open(true);
	await page.goto(base + '/admin/login/');
	await page.locator('a', { hasText: 'Lost your password?' }).click();
	await page.waitForLoadState();
	await page.locator('#email').fill(ed);
	await page.locator('button[type="submit"]').click();
	await page.waitForLoadState();
	check((await page.content()).includes('is on its way'), 'the same answer for any address');
	const m = await mailTo(ed, /\/admin\/reset\//);
	const url = m ? linkIn(m.text, '/admin/reset/') : null;
	check(url !== null, 'the reset link arrives');
	if (url !== null) {
		await page.goto(url);
		await page.goto(url);	/* a GET never uses it up */
		await page.locator('#password').fill(NEW);
		await page.locator('#password2').fill(NEW);
		await page.locator('button[type="submit"]').click();
		await page.waitForLoadState();
		check(page.url().includes('/admin/login/'), 'then to the login');
		await page.locator('#email').fill(ed);
		await page.locator('#password').fill(NEW);
		await page.locator('button[type="submit"]').click();
		await page.waitForLoadState();
		check(new URL(page.url()).pathname === '/admin/', `logged in with the new password (${page.url()})`);
		await page.screenshot({ path: join(out, 'password-reset.png') });
		const old = await open(false);
		await old.goto(base + '/admin/login/');
		await old.locator('#email').fill(ed);
		await old.locator('#password').fill(PW);
		await old.locator('button[type="submit"]').click();
		await old.waitForLoadState();
		check(old.url().includes('/admin/login/') && (await old.content()).includes(
		    'do not match an account'), 'the old password no longer works');
		await old.context().close();
		await page.goto(url);
		check((await page.content()).includes('cannot be used'), 'the link works once');
	}
	await page.context().close();
}

// 14. Navigation and identity: a menu, a logo and an icon set in the
// admin's Appearance page with plain forms; the menu shown and followed,
// the skip link the first stop of the keyboard, the dark scheme applied
// when the system asks for it, and axe-core clean on every page in both
// schemes.
{
	const jpegs = join(shared, 'fixtures/jpeg/valid');
	const page = await open(false);
	await login(page, 'admin@example.org');
	await page.goto(base + '/admin/appearance/');
	const add = async (target, label, url, parent) => {
		await page.locator('#add-target').selectOption(target);
		await page.locator('#add-label').fill(label);
		await page.locator('#add-url').fill(url);
		if (parent) await page.locator('#add-parent').selectOption({ label: parent });
		await page.locator('.admin-add-item button[type="submit"]').click();
		await page.waitForLoadState();
	};
	await add({ label: 'Terrorism' }, '', '');
	await add({ label: 'Privacy' }, 'About your data', '');
	await add('link', 'The year 2015', '/2015/', 'Terrorism');
	check(await page.locator('.admin-menu tbody tr').count() === 3, 'three menu items in the admin');
	await page.locator('#logo-image').setInputFiles(join(jpegs, 'ljt-testorig.jpg'));
	await page.locator('form:has(#logo-image) button[type="submit"]').click();
	await page.waitForLoadState();
	await page.locator('#icon-image').setInputFiles(join(jpegs, 'blank_800x280.jpg'));
	await page.locator('form:has(#icon-image) button[type="submit"]').click();
	await page.waitForLoadState();
	check((await page.content()).includes('The site icon was saved.'), 'the icon is saved');
	await page.screenshot({ path: join(out, 'appearance-admin.png'), fullPage: true });
	await page.context().close();

	for (const js of [true, false]) {
		const reader = await open(js);
		await reader.goto(base + '/');
		const nav = reader.getByRole('navigation', { name: 'Main menu' });
		check(await nav.isVisible(), `the menu is shown (js ${js})`);
		check(await nav.getByRole('link', { name: 'The year 2015' }).isVisible(),
		    `the sub-item is shown (js ${js})`);
		const logo = reader.locator('header img.site-logo');
		check(await logo.getAttribute('alt') === 'Galley News', 'the logo has the title as its text');
		check(await logo.evaluate((i) => i.complete && i.naturalWidth > 0), `the logo loads (js ${js})`);
		check(await reader.locator('head link[rel="icon"]').getAttribute('href') === '/favicon.ico',
		    'the icon link');
		// The keyboard's first stop is the skip link, shown when focused.
		await reader.keyboard.press('Tab');
		const first = await reader.evaluate(() => ({ text: document.activeElement.textContent,
		    left: document.activeElement.getBoundingClientRect().left }));
		check(first.text === 'Skip to content' && first.left >= 0,
		    `the skip link comes first and shows (js ${js}): ${JSON.stringify(first)}`);
		await reader.keyboard.press('Enter');
		// A fragment's navigation lands after the key press returns: wait for it (a loaded
		// run read the old address once).
		check(await until(() => new URL(reader.url()).hash === '#main'),
		    `the skip link leads to the content (js ${js}): ${reader.url()}`);
		await nav.getByRole('link', { name: 'About your data' }).click();
		await reader.waitForLoadState();
		check(new URL(reader.url()).pathname === '/privacy/', `the menu leads to its page (js ${js})`);
		check(await reader.locator('nav a[aria-current="page"]').textContent() === 'About your data',
		    'the page shown is the current item');
		await reader.getByRole('navigation', { name: 'Main menu' })
		    .getByRole('link', { name: 'The year 2015' }).click();
		await reader.waitForLoadState();
		check(new URL(reader.url()).pathname === '/2015/', `a sub-item leads to its page (js ${js})`);
		const bg = () => reader.evaluate(() => getComputedStyle(document.body).backgroundColor);
		await reader.emulateMedia({ colorScheme: 'light' });
		check(await bg() === 'rgb(255, 255, 255)', `light ground in the light scheme (${await bg()})`);
		await reader.emulateMedia({ colorScheme: 'dark' });
		check(await bg() === 'rgb(23, 24, 26)', `dark ground in the dark scheme (${await bg()})`);
		if (js) await reader.screenshot({ path: join(out, 'dark.png') });
		await reader.context().close();
	}

	const icon = await fetch(base + '/favicon.ico');
	const ico = Buffer.from(await icon.arrayBuffer());
	check(icon.ok && ico.readUInt16LE(2) === 1 && ico.readUInt16LE(4) === 3,
	    'favicon.ico is an ICO of three images');

	// axe-core on every kind of page, in both schemes, as an admin.
	const ctx = await browser.newContext({ bypassCSP: true });
	const admin = await ctx.newPage();
	await login(admin, 'admin@example.org');
	const paths = ['/', ARTICLE, '/category/terrorism/', '/tag/russia/', '/2015/10/', '/privacy/',
	    '/?s=russia', '/no-such-page/', '/admin/', '/admin/comments/', '/admin/posts/',
	    '/admin/media/', '/admin/appearance/', '/admin/settings/', '/admin/terms/'];
	for (const scheme of ['light', 'dark']) {
		await admin.emulateMedia({ colorScheme: scheme });
		for (const path of paths) {
			await admin.goto(base + path);
			await axeClean(admin, `${path} (${scheme})`);
		}
	}
	await ctx.close();
}

// 15. The admin's own frame.  axe-core on every admin screen (the menu's,
// the login, the lost password, the editor, one comment) and the article,
// light and dark; the queue, the editor and the article at a desktop's
// width and a 390-px phone's, kept as screenshots; on those, no visible
// button without a glyph; and the sidebar folded on the phone, opened
// from the keyboard.
{
	const ctx = await browser.newContext({ bypassCSP: true });
	const admin = await ctx.newPage();
	await login(admin, 'admin@example.org');
	const screens = await admin.locator('nav[aria-label="Administration"] a')
	    .evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
	check(screens.length >= 10, `the admin menu lists its screens (${screens.length})`);
	await admin.goto(base + '/admin/comments/');
	const one = await admin.locator('a[href^="/admin/comments/?edit="]').first()
	    .getAttribute('href');
	screens.push('/admin/posts/?edit=1', '/admin/posts/?edit=new', one);
	for (const scheme of ['light', 'dark']) {
		await admin.emulateMedia({ colorScheme: scheme });
		for (const path of [...screens, ARTICLE]) {
			await admin.goto(base + path);
			await axeClean(admin, `${path} (${scheme})`);
		}
	}
	const ground = await admin.evaluate(() => getComputedStyle(document.body).backgroundColor);
	check(ground === 'rgb(23, 24, 26)', `the admin's dark ground (${ground})`);
	const anon = await browser.newContext({ bypassCSP: true });
	const guest = await anon.newPage();
	for (const scheme of ['light', 'dark']) {
		await guest.emulateMedia({ colorScheme: scheme });
		for (const path of ['/admin/login/', '/admin/lost/']) {
			await guest.goto(base + path);
			await axeClean(guest, `${path} (${scheme})`);
		}
	}
	await anon.close();
	await admin.emulateMedia({ colorScheme: 'light' });

	// Each visible button drawn twice, as it is and with its text and
	// icons made transparent: the same pixels mean it shows no glyph.
	// Buttons of the same markup and size draw alike (an article's
	// thousand pairs of thumbs): one of each is looked at.
	const blank = async (page, what) => {
		const buttons = page.locator('button, input[type="submit"], input[type="button"]');
		const sigs = await buttons.evaluateAll((bs) => bs.map((b) => {
			const r = b.getBoundingClientRect();
			return `${b.className}|${b.innerHTML}|${b.value}|${r.width}x${r.height}`;
		}));
		const done = new Set();
		let seen = 0;
		await page.mouse.move(0, 0);
		for (let i = 0; i < sigs.length; i++) {
			if (done.has(sigs[i])) continue;
			const b = buttons.nth(i);
			if (!await b.isVisible()) continue;
			const box = await b.boundingBox();
			if (!box || box.width < 2 || box.height < 2) continue;
			done.add(sigs[i]);
			await b.scrollIntoViewIfNeeded();
			seen++;
			const shown = await b.screenshot({ animations: 'disabled' });
			await b.evaluate((el) => {
				el.dataset.glyph = el.getAttribute('style') ?? '';
				el.style.setProperty('color', 'transparent', 'important');
				el.style.setProperty('text-shadow', 'none', 'important');
				for (const c of el.querySelectorAll('*'))
					c.style.setProperty('visibility', 'hidden', 'important');
			});
			const empty = await b.screenshot({ animations: 'disabled' });
			await b.evaluate((el) => {
				el.setAttribute('style', el.dataset.glyph);
				for (const c of el.querySelectorAll('*')) c.style.removeProperty('visibility');
			});
			const name = await b.evaluate((el) => el.textContent.trim() || el.value ||
			    el.getAttribute('aria-label') || el.outerHTML.slice(0, 80));
			check(!shown.equals(empty), `a glyph on the button "${name}" (${what})`);
		}
		return seen;
	};
	const phone = { width: 390, height: 844 };
	const desk = { width: 1280, height: 900 };
	for (const [name, path] of [['queue', '/admin/comments/'], ['editor', '/admin/posts/?edit=1'],
	    ['article', ARTICLE]]) {
		for (const [size, vp] of [['desktop', desk], ['phone', phone]]) {
			await admin.setViewportSize(vp);
			await admin.goto(base + path);
			// The article's thousands of comments: its first screens only.
			const tall = await admin.evaluate(() => document.documentElement.scrollHeight);
			await admin.screenshot({ path: join(out, `${name}-${size}.png`), fullPage: true,
			    clip: { x: 0, y: 0, width: vp.width, height: Math.min(tall, 6000) } });
			const seen = await blank(admin, `${name}, ${size}`);
			check(seen >= 1, `buttons looked at on the ${name} (${size}): ${seen}`);
			// Nothing wider than the window but what scrolls inside itself.
			const wide = await admin.evaluate(() => document.documentElement.scrollWidth);
			check(wide <= vp.width, `the ${name} fits ${vp.width} px (${wide})`);
		}
	}

	// The sidebar: open on a desktop, folded on a phone until the keyboard
	// reaches its button and presses Space.
	const nav = admin.getByRole('navigation', { name: 'Administration' });
	await admin.setViewportSize(desk);
	await admin.goto(base + '/admin/comments/');
	check(await nav.isVisible() && !await admin.locator('label[for="admin-fold"]').isVisible(),
	    'the sidebar is open on a desktop, with no fold button');
	await admin.setViewportSize(phone);
	await admin.goto(base + '/admin/comments/');
	check(!await nav.isVisible(), 'the sidebar is folded on a phone');
	check(await admin.locator('label[for="admin-fold"]').isVisible(), 'the fold button shows');
	let reached = false;
	for (let i = 0; i < 6 && !reached; i++) {
		await admin.keyboard.press('Tab');
		reached = await admin.evaluate(() => document.activeElement.id === 'admin-fold');
	}
	check(reached, 'the keyboard reaches the fold');
	const ring = await admin.locator('label[for="admin-fold"]').evaluate((l) =>
	    getComputedStyle(l).outlineStyle);
	check(ring !== 'none', `the fold shows its focus (${ring})`);
	await admin.keyboard.press('Space');
	check(await nav.isVisible(), 'Space opens the sidebar');
	await admin.screenshot({ path: join(out, 'admin-menu-phone.png') });
	await nav.getByRole('link', { name: 'Posts' }).click();
	await admin.waitForLoadState();
	check(new URL(admin.url()).pathname === '/admin/posts/', 'its link leads on');
	// The skip link is the first stop, and leads past the sidebar.
	await admin.keyboard.press('Tab');
	check(await admin.evaluate(() => document.activeElement.className) === 'skip-link',
	    'the skip link comes first in the admin');
	await admin.keyboard.press('Enter');
	check(await until(() => new URL(admin.url()).hash === '#main'),
	    `and leads to the page: ${admin.url()}`);
	await ctx.close();
}

// The post editor (issue 23): a writer types, the tab is closed without
// saving, and reopening the editor offers the draft back with its text
// intact; the word count follows the typing; the preview beside the text
// shows it through the article template; a picture uploaded from the
// editor, and one chosen in the picker, land as Markdown at the cursor.
{
	// As the admin: block 13 gave the editor a new password.
	const page = await open(true);
	await login(page, 'admin@example.org');
	await page.goto(base + '/admin/posts/?edit=new');
	await page.locator('#title').fill('Written in the browser');
	await page.locator('#body').fill('Saved words.');
	await page.locator('button[name="action"][value="save"]').click();
	await page.waitForURL(/done=saved/, { waitUntil: 'commit' });
	// editor.js is deferred: keys typed before it runs would go unseen.
	await page.waitForLoadState('domcontentloaded');
	const id = new URL(page.url()).searchParams.get('edit');
	check(/^[0-9]+$/.test(id || ''), `the draft saved (${page.url()})`);
	check(await page.locator('#word-count').innerText() === '2 words',
	    'the word count as the page loads');
	// The autosave of the whole text (one of the half-typed text may come first).
	// Chromium shows a FormData body only without a file in it: editor.js
	// drops the file field from an autosave.
	const whole = page.waitForResponse((r) => r.request().method() === 'POST' &&
	    (r.headers()['content-type'] || '').startsWith('application/json') &&
	    (r.request().postData() || '').includes('one two three four five'), { timeout: 30000 })
	    .then(() => true, () => false);
	await page.locator('#body').fill('');
	await page.locator('#body').pressSequentially('one two three four five', { delay: 15 });
	check(await page.locator('#word-count').innerText() === '5 words',
	    `the word count as one types (${await page.locator('#word-count').innerText()})`);
	check(await until(async () => /autosaved at \d\d:\d\d/.test(
	    await page.locator('#autosave-status').innerText()), 15000),
	    'autosaved while typing');
	check(await whole, 'the whole text autosaved');
	const frame = page.frameLocator('#preview-frame');
	// The frame reloads as one types: a read may meet it between pages.
	const framed = async () => {
		try {
			return await frame.locator('body').innerText({ timeout: 2000 });
		} catch {
			return '';
		}
	};
	check(await until(async () => (await framed()).includes('one two three four five'), 15000),
	    'the preview shows the unsaved text');
	check(await frame.locator('h1, h2').filter({ hasText: 'Written in the browser' }).count() >= 1,
	    'the preview is the article, with its title');
	const ctx = page.context();
	await page.close();		/* the tab closed, nothing saved */
	const again = await ctx.newPage();
	again.errors = [];
	again.on('pageerror', (e) => again.errors.push(String(e)));
	await again.goto(base + '/admin/posts/?edit=' + id);
	const offer = again.locator('#autosave-title');
	check(await offer.count() === 1 &&
	    /^Restore the autosaved draft from \d\d:\d\d\?$/.test(await offer.innerText()),
	    'reopened, the editor offers the autosaved draft');
	check(await again.locator('#body').inputValue() === 'Saved words.',
	    'the saved text stays until the draft is restored');
	await again.locator('button[value="autosave_restore"]').click();
	check(await until(async () => await again.locator('#body').inputValue() ===
	    'one two three four five'), 'restored, with its text intact');
	check(await again.locator('#title').inputValue() === 'Written in the browser',
	    'and its title');
	// Upload from the editor: the Markdown at the cursor (the start).
	await again.locator('#body').evaluate((el) => { el.focus(); el.setSelectionRange(0, 0); });
	await again.locator('#editor-media summary').click();
	// A picture no other block stores, so it is new to the library.
	await again.locator('#image').setInputFiles(join(shared,
	    'fixtures/jpeg/valid/moz-jpg-progressive.jpg'));
	await again.locator('#image_alt').fill('A test picture');
	await again.locator('#upload').click();
	check(await until(async () => /^!\[A test picture\]\(\/media\/[0-9a-f]+\.jpg\)\n/.test(
	    await again.locator('#body').inputValue())), 'the uploaded picture at the cursor');
	// The picker: a dialog of the library; the choice at the cursor (the end).
	await again.locator('#body').evaluate((el) => {
		el.focus();
		el.setSelectionRange(el.value.length, el.value.length);
	});
	await again.locator('#picker-open').click();
	check(await again.locator('dialog.editor-picker[open] button.pick').count() >= 1,
	    'the picker opens as a dialog with the library');
	await again.screenshot({ path: join(out, 'editor-picker.png') });
	await again.locator('dialog.editor-picker[open] button.pick').first().click();
	const text = await again.locator('#body').inputValue();
	check(/one two three four five\n\n!\[A test picture\]\(\/media\/[0-9a-f]+\.jpg\)\n$/
	    .test(text), `the chosen picture at the cursor (${JSON.stringify(text.slice(-80))})`);
	check(await again.locator('dialog.editor-picker[open]').count() === 0, 'the picker closes');
	await again.screenshot({ path: join(out, 'editor.png'), fullPage: true });
	await again.setViewportSize({ width: 390, height: 844 });
	await again.screenshot({ path: join(out, 'editor-phone.png'), fullPage: true });
	// Saved: the autosave is gone, and nothing is offered.  (A click
	// on Save at the phone's width was sometimes lost in headless
	// Chromium; the form's own submit is what a click does.)
	await again.locator('#editor').evaluate((f) =>
	    f.requestSubmit(f.querySelector('button[value="save"]')));
	await again.waitForURL(/done=saved/, { waitUntil: 'commit' });
	await again.goto(base + '/admin/posts/?edit=' + id);
	check(await again.locator('#autosave-title').count() === 0, 'saved: no draft offered');
	check(again.errors.length === 0, `no script error in the editor: ${again.errors.slice(0, 3)}`);
	await ctx.close();
	// Without a script: the pictures' Markdown to copy, and the editor works.
	const plain = await open(false);
	await login(plain, 'admin@example.org');
	await plain.goto(base + '/admin/posts/?edit=' + id);
	check(/^!\[A test picture\]/.test(await plain.locator('#pictures input').first().inputValue()),
	    'no script: the Markdown to copy');
	await plain.context().close();
	const axeCtx = await browser.newContext({ bypassCSP: true });
	const ap = await axeCtx.newPage();
	await login(ap, 'admin@example.org');
	await ap.goto(base + '/admin/posts/?edit=' + id);
	await axeClean(ap, 'the editor');
	await axeCtx.close();
}

// Language (issue 20): the reader's pages in Russian, axe-core clean in
// Russian too, and the script's own words (a vote's message) in Russian.
{
	run('config', dir, 'set', 'language', 'ru');
	const ctx = await browser.newContext({ bypassCSP: true });
	const page = await ctx.newPage();
	for (const path of ['/', ARTICLE, '/category/terrorism/', '/privacy/',
	    '/search/isis/', '/search/zzzqqq/', '/no/such/page/']) {
		await page.goto(base + path);
		check(await page.getAttribute('html', 'lang') === 'ru',
		    `lang="ru" on ${path}`);
		await axeClean(page, `${path} in Russian`);
	}
	await page.goto(base + ARTICLE);
	check(await page.locator('#respond h3').innerText() === 'Добавить комментарий',
	    'the comment form in Russian');
	await page.locator('form.rate .rate-choice input').first().check();
	await page.locator('form.rate .rate-submit').click();
	const msg = page.locator('form.rate .vote-message');
	await until(async () => /[А-Яа-яЁё]/.test(await msg.innerText()));
	check(/^(Спасибо за оценку\.|Вы уже оценили это\.)$/.test(await msg.innerText()),
	    `the vote's message in Russian (${await msg.innerText()})`);
	await page.screenshot({ path: join(out, 'article-ru.png') });
	await ctx.close();
	run('config', dir, 'set', 'language', 'en');
}

// 15. The moderation queue by keyboard alone: ten comments (one with a
// picture, seen before approval) approved, spammed, trashed, undone and
// answered with j/k, a, s, d, z and r; the database agrees after each.
{
	const db = join(dir, 'galley.db');
	const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
	const statusOf = (id) => sql(`SELECT status FROM comments WHERE id = ${id}`);
	const waitStatus = async (id, want) => until(async () => statusOf(id) === want, 5000);
	// A picture no other block shows: a picture is named by its bytes, and
	// one an approved comment or the library shows is public already.
	const heldJpeg = join(shared, 'fixtures/jpeg/valid/ljt-testimgint.jpg');
	// Held for a moderator: blocks 9 and 11 let first comments straight in.
	run('config', dir, 'set', 'comment_moderate_first', 'true');
	for (let i = 1; i <= 10; i++) {
		const stamp = await (await fetch(base + '/comments/stamp?post=1')).text();
		const f = new FormData();
		for (const [k, v] of [['post', '1'], ['parent', '0'], ['author', `Keyboard Reader ${i}`],
		    ['email', `kbd${i}@example.net`], ['comment', `Queue-by-keys comment number ${i}.`],
		    ['stamp', stamp]])
			f.append(k, v);
		if (i === 1)
			f.append('image', new Blob([readFileSync(heldJpeg)], { type: 'image/jpeg' }),
			    'scene.jpg');
		const r = await fetch(base + '/comments', { method: 'POST', body: f, redirect: 'manual' });
		check(r.status === 303, `queue comment ${i} sent (${r.status})`);
	}
	check(sql("SELECT count(*) FROM comments WHERE content LIKE 'Queue-by-keys%' AND status = 'pending'") === '10',
	    'ten comments wait');
	const mod = await open(true, { bypassCSP: true });	// for axe-core
	// The admin (block 13 gave the editor a new password).
	await login(mod, 'admin@example.org');
	await mod.goto(base + '/admin/comments/?status=pending&q=Queue-by-keys');
	const rows = mod.locator('tr.queue-row');
	check(await rows.count() === 10, 'the queue shows the ten');
	const ids = [];
	for (let i = 0; i < 10; i++)
		ids.push(await rows.nth(i).getAttribute('data-id'));
	// The picture, before approval: loaded for the moderator, not public.
	const thumb = mod.locator(`#c${ids[9]} .queue-picture img`);
	check(await until(async () => thumb.evaluate((i) => i.complete && i.naturalWidth > 0)),
	    'the held picture loads in the queue');
	const src = await thumb.getAttribute('src');
	check((await fetch(base + src)).status === 404, 'the held picture is not public');
	check(await mod.locator('#queue-keys').isVisible(), 'the keys are listed');
	await mod.screenshot({ path: join(out, 'admin-queue-keys.png'), fullPage: true });
	const said = async (re) => until(async () =>
	    re.test(await mod.locator('#queue-message').innerText()), 5000);
	const focused = async (id) => until(async () => (await mod.evaluate(() =>
	    document.activeElement && document.activeElement.id)) === `c${id}`);
	await mod.keyboard.press('j');
	check(await focused(ids[0]), 'j selects the first row');
	await mod.keyboard.press('a');
	check(await waitStatus(ids[0], 'approved'), 'a approves (in the database)');
	check(await said(/was approved/), 'the approval is announced');
	check(await focused(ids[1]), 'the next row is selected');
	await mod.keyboard.press('s');
	check(await waitStatus(ids[1], 'spam'), 's marks as spam (in the database)');
	check(sql(`SELECT spam_trained FROM comments WHERE id = ${ids[1]}`) === 'spam', 'the filter learnt it');
	await focused(ids[2]);
	await mod.keyboard.press('d');
	check(await waitStatus(ids[2], 'trash'), 'd trashes (in the database)');
	check(await said(/moved to the trash/), 'the trash is announced');
	await mod.keyboard.press('z');
	check(await waitStatus(ids[2], 'pending'), 'z undoes (in the database)');
	check(await said(/Undone/), 'the undo is announced');
	check(await focused(ids[2]), 'the undone row is selected');
	// Back and forth, then undo a spam: the lesson unlearnt.
	await mod.keyboard.press('k');
	check(await focused(ids[1]), 'k moves up');
	await mod.keyboard.press('z');	// nothing left to undo: no change
	await mod.keyboard.press('j');
	check(await focused(ids[2]), 'j moves down');
	await mod.keyboard.press('r');
	const box = mod.locator('.queue-reply textarea');
	check(await until(async () => box.evaluate((t) => t === document.activeElement)),
	    'r opens a reply with the focus in it');
	// Typing "a", "s" and "d" in the reply moves nothing.
	await mod.keyboard.type('Thanks, a kind word from the desk.');
	await mod.keyboard.press('Tab');
	await mod.keyboard.press('Enter');
	check(await until(async () => sql(`SELECT count(*) FROM comments WHERE parent_id = ${ids[2]}` +
	    " AND content = 'Thanks, a kind word from the desk.' AND status = 'approved'") === '1'),
	    'the reply is published (in the database)');
	check(statusOf(ids[2]) === 'approved', 'the answered comment is approved with it');
	check(statusOf(ids[3]) === 'pending' && statusOf(ids[1]) === 'spam',
	    'typing in the reply acted on no row');
	check(await said(/Your reply/), 'the reply is announced');
	// The rest approved, one key each.
	await mod.keyboard.press('j');
	for (let i = 3; i < 10; i++) {
		check(await focused(ids[i]), `row ${i + 1} selected`);
		await mod.keyboard.press('a');
		check(await waitStatus(ids[i], 'approved'), `row ${i + 1} approved (in the database)`);
	}
	check(sql("SELECT count(*) FROM comments WHERE content LIKE 'Queue-by-keys%' AND status = 'pending'") === '0',
	    'the queue is cleared');
	// The picture, approved, is public now.
	check((await fetch(base + src)).ok, 'the approved picture is public');
	const errs = mod.errors.filter((e) => !e.includes('Failed to load resource'));
	check(errs.length === 0, `no script errors (${errs.join('; ')})`);
	await axeClean(mod, 'the moderation queue');
	await mod.screenshot({ path: join(out, 'admin-queue-cleared.png'), fullPage: true });
	await mod.context().close();
}

// The admin in Russian (issue 20): every screen of its menu, the login
// and the lost password say lang="ru" and stay axe-core clean, and the
// queue's script announces in Russian what a key did.
{
	const sql = (q) => execFileSync('sqlite3', [join(dir, 'galley.db'), q],
	    { encoding: 'utf8' }).trim();
	run('config', dir, 'set', 'language', 'ru');
	run('config', dir, 'set', 'comment_moderate_first', 'true');
	const stamp = await (await fetch(base + '/comments/stamp?post=1')).text();
	const f = new FormData();
	for (const [k, v] of [['post', '1'], ['parent', '0'], ['author', 'Читатель'],
	    ['email', 'ru-reader@example.net'], ['comment', 'Комментарий ru-queue-marker на русском.'],
	    ['stamp', stamp]])
		f.append(k, v);
	const r = await fetch(base + '/comments', { method: 'POST', body: f, redirect: 'manual' });
	check(r.status === 303, `a comment for the Russian queue (${r.status})`);
	// Held, whatever the filter made of it (here it is about the queue).
	const id = sql("SELECT id FROM comments WHERE email = 'ru-reader@example.net'");
	run('comments', dir, 'set-status', id, 'pending');
	const anon = await browser.newContext({ bypassCSP: true });
	const guest = await anon.newPage();
	for (const path of ['/admin/login/', '/admin/lost/']) {
		await guest.goto(base + path);
		check(await guest.getAttribute('html', 'lang') === 'ru', `lang="ru" on ${path}`);
		await axeClean(guest, `${path} in Russian`);
	}
	await anon.close();
	const ctx = await browser.newContext({ bypassCSP: true });
	const admin = await ctx.newPage();
	await login(admin, 'admin@example.org');
	const nav = admin.locator('nav.admin-nav a');
	check(await nav.first().innerText() !== 'Dashboard' &&
	    /[А-Яа-яЁё]/.test(await nav.first().innerText()),
	    `the admin's menu in Russian (${await nav.first().innerText()})`);
	const screens = await nav.evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
	check(screens.length >= 10, `the Russian admin menu lists its screens (${screens.length})`);
	screens.push('/admin/posts/?edit=1', '/admin/posts/?edit=new');
	for (const path of screens) {
		await admin.goto(base + path);
		check(await admin.getAttribute('html', 'lang') === 'ru', `lang="ru" on ${path}`);
		await axeClean(admin, `${path} in Russian`);
	}
	await admin.goto(base + '/admin/comments/?status=pending&q=ru-queue-marker');
	const row = admin.locator('tr.queue-row');
	check(await row.count() === 1 && await row.first().getAttribute('data-id') === id,
	    'the Russian comment waits in the queue');
	await admin.keyboard.press('j');
	await admin.keyboard.press('a');
	check(await until(async () => sql(`SELECT status FROM comments WHERE id = ${id}`) === 'approved', 5000),
	    'a approves on the Russian admin (in the database)');
	const said = admin.locator('#queue-message');
	check(await until(async () => /[А-Яа-яЁё]/.test(await said.innerText()), 5000) &&
	    !/approved/.test(await said.innerText()),
	    `the approval announced in Russian (${await said.innerText()})`);
	await ctx.close();
	run('config', dir, 'set', 'language', 'en');
}

await browser.close();
server.kill('SIGTERM');
const code = await new Promise((r) => server.on('exit', (c) => r(c)));
// A clean stop: with the ASan build, this is where a leak would show.
check(code === 0, `galley serve stopped cleanly (exit ${code})`);
if (failed > 0)
	console.error(log.split('\n').filter((l) => !/^(GET|POST|HEAD) /.test(l)).slice(-20).join('\n'));
sink.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
