// Test helper: opens the index given as argv[2] for writing, says so with its pid, and waits to be killed.
import { openIndex } from '../../app/store/open.ts';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: lock-holder.ts <index file>');
openIndex(file);
process.stdout.write(`locked ${process.pid}\n`);
setInterval(() => undefined, 60_000);
