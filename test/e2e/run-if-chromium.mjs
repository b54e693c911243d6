// `npm test` runs every test that needs no browser, then the browser tests when Chromium is here.
// CI calls `npm run test:e2e` itself and sets ESIGN_SKIP_E2E=1 so they do not run twice.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (process.env.ESIGN_SKIP_E2E === '1') {
  console.log('browser tests: not run here (ESIGN_SKIP_E2E=1); `npm run test:e2e` runs them');
} else if (!existsSync(chromium)) {
  console.log(`browser tests skipped: no Chromium at ${chromium} (Debian: apt-get install chromium)`);
} else {
  const r = spawnSync('npm', ['run', 'test:e2e'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
