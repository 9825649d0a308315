/**
 * A worker thread for test/unit/ocr/detection-turns.test.ts: takes the detection turn `rounds` times as a
 * text worker does, holding it across an await (as the detector's run does), and records in the shared
 * `log` how many holders were inside at once. With `rounds` 0 it takes the turn once and never gives it back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { detectionTurns } from '../../app/ocr/detection-turns.ts';
import { setResourceRoot } from '../../app/resources.ts';

interface TurnTakerData {
  turn: SharedArrayBuffer;
  /** [holders inside now, most inside at once, turns taken] */
  log: SharedArrayBuffer;
  holder: number;
  rounds: number;
  resourceRoot: string;
}

const data = workerData as TurnTakerData;
setResourceRoot(data.resourceRoot);
const inTurn = detectionTurns(data.turn, data.holder);
const log = new Int32Array(data.log);

const held = async (): Promise<void> => {
  const inside = Atomics.add(log, 0, 1) + 1;
  for (let most = Atomics.load(log, 1); inside > most; most = Atomics.load(log, 1))
    if (Atomics.compareExchange(log, 1, most, inside) === most) break;
  await new Promise((resolve) => setTimeout(resolve, 2));
  Atomics.add(log, 2, 1);
  Atomics.sub(log, 0, 1);
};

if (data.rounds === 0) {
  void inTurn(
    () =>
      new Promise<void>(() => {
        parentPort!.postMessage('holding');
      }),
  );
} else {
  for (let i = 0; i < data.rounds; i++) await inTurn(held);
  parentPort!.postMessage('done');
}
