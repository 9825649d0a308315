// Worker threads do not inherit tsx's loader from the thread that made them: this small JavaScript entry
// registers it, then loads the TypeScript worker module named in workerData.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.__entry);
