/**
 * Preloaded (`node -r dist/bench/profile-preload.js`) into a benchmark target when
 * `npm run bench -- --profile` runs: the first SIGUSR2 starts V8's sampling CPU profiler in
 * process, the second stops it and writes the profile to `BENCH_PROFILE_OUT` (then to
 * `<file>.done`, which the bench waits for). Nothing happens without the variable.
 */
import { Session } from 'node:inspector';
import { renameSync, writeFileSync } from 'node:fs';

const out = process.env.BENCH_PROFILE_OUT;
if (out) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) throw err;
      writeFileSync(`${out}.tmp`, JSON.stringify(result.profile));
      renameSync(`${out}.tmp`, out);
    });
  });
}
