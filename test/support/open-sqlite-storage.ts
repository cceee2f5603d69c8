// Opens (and closes) the SQLite storage at argv[2], starting at the epoch millisecond argv[3], so
// that several processes open one database at the same moment. Prints `opened`, or the error.
import { systemClock } from '../../src/core/clock.js';
import { ulidGenerator } from '../../src/core/ids.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';

const [path, at] = process.argv.slice(2);
while (Date.now() < Number(at)) {
  // Spinning, not sleeping: a timer would start the processes milliseconds apart.
}
const storage = createSqliteStorage({ path: path!, clock: systemClock, ids: ulidGenerator(systemClock) });
try {
  await storage.init();
  await storage.keys.countActive(new Date().toISOString());
  await storage.close();
  process.stdout.write('opened\n');
} catch (error) {
  process.stdout.write(`failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
