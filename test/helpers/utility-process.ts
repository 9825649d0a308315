/**
 * Stand-ins for Electron's `utilityProcess` and `MessageChannelMain` in tests that mock `electron`: the
 * entry runs in a real Node child process (utility-process-child.mjs gives it `process.parentPort`), and
 * the port main transfers to it travels over the child's IPC channel. What main's code sees — fork, the
 * first message with its port, `exit` with a code, kill — is what Electron offers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';

const CHILD = join(import.meta.dirname, 'utility-process-child.mjs');

/** Main's end of a channel whose other end (`port2`) is handed to a child with `postMessage(…, [port2])`. */
class PortMain extends EventEmitter {
  private child: ChildProcess | undefined;
  private outbox: unknown[] = [];
  private inbox: unknown[] | undefined = [];

  postMessage(data: unknown): void {
    if (this.child) this.child.send({ port: data });
    else this.outbox.push(data);
  }
  start(): void {
    const pending = this.inbox ?? [];
    this.inbox = undefined;
    for (const data of pending) this.emit('message', { data });
  }
  close(): void {
    this.child = undefined;
  }
  /** Links this end to the child that received the other end. */
  link(child: ChildProcess): void {
    this.child = child;
    child.on('message', (message: { port?: unknown }) => {
      if (!('port' in message)) return;
      if (this.inbox) this.inbox.push(message.port);
      else this.emit('message', { data: message.port });
    });
    for (const data of this.outbox.splice(0)) child.send({ port: data });
  }
}

/** The far end: only ever transferred. */
class TransferredPort {
  constructor(readonly mainEnd: PortMain) {}
}

export class MessageChannelMain {
  readonly port1 = new PortMain();
  readonly port2 = new TransferredPort(this.port1);
}

export const utilityProcess = {
  fork(entry: string): EventEmitter & { postMessage(message: unknown, ports?: unknown[]): void; kill(): boolean } {
    const child = fork(CHILD, [entry], { serialization: 'advanced', stdio: 'inherit' });
    const host = Object.assign(new EventEmitter(), {
      postMessage(message: unknown, ports: unknown[] = []) {
        for (const port of ports) if (port instanceof TransferredPort) port.mainEnd.link(child);
        child.send({ init: message });
      },
      kill: () => child.kill(),
    });
    child.on('exit', (code, signal) => host.emit('exit', code ?? (signal ? 128 : 1)));
    return host;
  },
};
