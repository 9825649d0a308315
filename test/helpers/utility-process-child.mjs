// Runs an Electron utility-process entry under plain Node, for tests that mock `electron` but run the
// engine process for real (test/helpers/utility-process.ts starts it): `process.parentPort` as Electron
// provides it, and the MessagePort that main transfers with its first message carried over this process's
// IPC channel (structured clone: fork's `serialization: 'advanced'`). Like Electron's MessagePortMain, the
// port queues what arrives until `start()`.
import { pathToFileURL } from 'node:url';

const [entry] = process.argv.slice(2);
const listeners = [];
let queue = [];
const port = {
  on(event, listener) {
    if (event === 'message') listeners.push(listener);
  },
  start() {
    const pending = queue;
    queue = undefined;
    for (const data of pending) for (const listener of listeners) listener({ data });
  },
  postMessage(data) {
    process.send({ port: data });
  },
  close() {},
};

let init;
let onInit;
process.parentPort = {
  once(event, listener) {
    if (event !== 'message') return;
    if (init !== undefined) listener({ data: init, ports: [port] });
    else onInit = listener;
  },
};
process.on('message', (message) => {
  if ('init' in message) {
    init = message.init;
    onInit?.({ data: init, ports: [port] });
  } else if (queue !== undefined) queue.push(message.port);
  else for (const listener of listeners) listener({ data: message.port });
});
await import(pathToFileURL(entry).href);
