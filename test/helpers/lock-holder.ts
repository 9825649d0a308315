// Test helper: opens the index given as argv[2] for writing, says so, and waits to be killed.
import { openIndex } from '../../app/store/open.ts';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: hold-lock.ts <index file>');
openIndex(file);
process.stdout.write('locked\n');
setInterval(() => undefined, 60_000);
