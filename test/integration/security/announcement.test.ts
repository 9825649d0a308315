/**
 * Issue 28, part 1: the local socket's announcement (`$EIDOS_HOME/run/holder.json`) is trusted only
 * when `run/` and the file are the user's alone, and it names no path. Two real users made for the
 * test: a victim who runs the built CLI and `eidos serve`, and another user who plants announcements
 * and listens on sockets of their own. For every planted state (dead pid, live pid, links, wrong
 * owner, loose modes, the socket's fallback folder under /tmp) the victim's `eidos search` must delete
 * nothing (a canary folder survives), send nothing to the other user's sockets (they record every
 * connection), print no forged answer, say what it ignored, and answer exactly as it does alone; the
 * victim's real `eidos serve` sets a tampered `run/` aside and still serves the CLI.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holderInfoPath, runDir, socketPathFor } from '../../../app/server/local-socket-wire.ts';
import { processAlive } from '../../../app/util/process-alive.ts';
import { EIDOS, type CliResult } from '../../helpers/eidos-cli.ts';
import { synthesize } from '../../helpers/serve-fixture.ts';
import { makeUser, usersUnavailable, type SystemUser } from '../../helpers/system-users.ts';

const run = promisify(execFile);
const QUERY = 'red';
const FORGED = 'FORGED-BY-THE-OTHER-USER';
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The other user's socket: listens on `path` (and on a probe socket of its own), prints one JSON
 * line per connection and per message, and answers a hello and any call with a forged welcome and a
 * forged search answer, as an impostor holder would.
 */
const LISTENER = `
const net = require('node:net');
const fs = require('node:fs');
const say = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
let listening = 0;
for (const [name, path] of [['target', process.argv[1]], ['probe', process.argv[2]]]) {
  const server = net.createServer((socket) => {
    say({ name, event: 'connection' });
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (text) => {
      say({ name, event: 'data', text });
      for (const line of text.split('\\n').filter(Boolean)) {
        let message = {};
        try { message = JSON.parse(line); } catch {}
        if (message.type === 'hello') socket.write(JSON.stringify({ type: 'welcome', pid: process.pid }) + '\\n');
        if (message.type === 'call') socket.write(JSON.stringify({ type: 'reply', id: message.id, reply: { ok: true,
          value: { results: [{ path: '/${FORGED}.jpg', bits: 99 }], standsOut: true, informationBits: 9 } } }) + '\\n');
      }
    });
  });
  server.listen(path, () => {
    fs.chmodSync(path, 0o777);
    if (++listening === 2) say({ event: 'listening' });
  });
}
`;

interface Listener {
  pid: number;
  /** Resolves once the listener has heard a probe of ours: every earlier connection was reported before it. */
  connectionsBeforeProbe(): Promise<string[]>;
  stop(): void;
}

describe.skipIf(usersUnavailable)(
  `a planted announcement is never trusted${usersUnavailable ? ` (skipped: ${usersUnavailable})` : ''}`,
  () => {
    let root: string;
    let victim: SystemUser;
    let other: SystemUser;
    let home: string;
    let longHome: string;
    let canary: string;
    let attackerDir: string;
    let alone: unknown;
    const listeners: Listener[] = [];
    let probes = 0;

    const envFor = (eidosHome: string): NodeJS.ProcessEnv => ({ ...process.env, EIDOS_HOME: eidosHome, HOME: root });

    /** `eidos <args>` as the victim; resolves whatever the exit code. */
    async function victimEidos(eidosHome: string, args: string[]): Promise<CliResult> {
      try {
        const { stdout, stderr } = await run(process.execPath, [EIDOS, ...args], {
          uid: victim.uid,
          gid: victim.gid,
          cwd: root,
          env: envFor(eidosHome),
          maxBuffer: 1 << 24,
          timeout: 120_000,
        });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code?: unknown; stdout?: string; stderr?: string };
        if (typeof failed.code !== 'number') throw error;
        return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      }
    }

    /** Runs a few lines of Node as the other user (writes files only they could write). */
    const asOther = (script: string, ...args: string[]): void => {
      execFileSync(process.execPath, ['-e', script, ...args], { uid: other.uid, gid: other.gid, cwd: root });
    };

    /** The other user writes an announcement as the attack of the issue did: naming a socket path of their choice. */
    const plantAsOther = (file: string, pid: number, socket: string): void =>
      asOther(
        `require('node:fs').writeFileSync(process.argv[1], process.argv[2], { mode: 0o644 })`,
        file,
        JSON.stringify({ pid, host: hostname(), kind: 'serve', socket, token: 'planted' }),
      );

    /** An announcement with the victim's owner and mode (written by root, then handed over). */
    const victimAnnouncement = (file: string, pid: number, mode = 0o600): void => {
      writeFileSync(file, JSON.stringify({ pid, host: hostname(), kind: 'serve', token: 'looks-legitimate' }));
      chownSync(file, victim.uid, victim.gid);
      chmodSync(file, mode);
    };

    /** The other user listening on `path`; the socket stays theirs (0777, so anyone may connect). */
    async function listenAsOther(path: string): Promise<Listener> {
      const probe = join(attackerDir, `probe-${++probes}.sock`);
      const child: ChildProcess = spawn(process.execPath, ['-e', LISTENER, path, probe], {
        uid: other.uid,
        gid: other.gid,
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const events: Array<{ name?: string; event: string; text?: string }> = [];
      const waiters: Array<() => void> = [];
      createInterface({ input: child.stdout! }).on('line', (text) => {
        events.push(JSON.parse(text) as (typeof events)[number]);
        for (const wake of waiters.splice(0)) wake();
      });
      const until = async (done: () => boolean): Promise<void> => {
        while (!done()) {
          if (child.exitCode !== null) throw new Error(`the listener exited (${child.exitCode})`);
          await new Promise<void>((wake) => waiters.push(wake));
        }
      };
      child.once('exit', () => waiters.splice(0).forEach((wake) => wake()));
      await until(() => events.some((e) => e.event === 'listening'));
      const listener: Listener = {
        pid: child.pid!,
        async connectionsBeforeProbe() {
          const marker = `probe ${probes}-${events.length}`;
          const socket = connect(probe);
          socket.on('error', () => {});
          socket.write(`${marker}\n`);
          await until(() => events.some((e) => e.text?.includes(marker)));
          socket.destroy();
          // The listener reports in order, so whatever reached it before the probe is listed by now.
          return events.filter((e) => e.name === 'target').map((e) => `${e.event} ${e.text ?? ''}`);
        },
        stop: () => child.kill('SIGKILL'),
      };
      listeners.push(listener);
      return listener;
    }

    /** A pid that ran and is gone. */
    async function deadPid(): Promise<number> {
      const child = spawn('true');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(processAlive(child.pid!)).toBe(false);
      return child.pid!;
    }

    /** A fresh `run/` with the given owner and mode, in a data folder the other user can pass through (0711). */
    function freshRun(eidosHome: string, owner: SystemUser, mode: number): string {
      const dir = runDir(eidosHome);
      rmSync(dir, { recursive: true, force: true });
      for (const entry of readdirSync(eidosHome)) {
        if (entry.startsWith('run.untrusted-')) rmSync(join(eidosHome, entry), { recursive: true, force: true });
      }
      mkdirSync(dir);
      chownSync(dir, owner.uid, owner.gid);
      chmodSync(dir, mode);
      chmodSync(eidosHome, 0o711);
      return dir;
    }

    /** Moves the other user's listening socket to `path` (a bound socket answers at its new name); stays theirs. */
    const moveSocket = (from: string, to: string): void => renameSync(from, to);

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'eidos-announce-'));
      chmodSync(root, 0o755);
      victim = makeUser('eidos-victim');
      other = makeUser('eidos-other');
      home = join(root, 'home');
      longHome = join(root, `${'long-data-folder-'.repeat(6)}home`);
      attackerDir = join(root, 'other');
      mkdirSync(attackerDir, { mode: 0o755 });
      chownSync(attackerDir, other.uid, other.gid);
      // The victim's private folder, which the issue's planted announcement had deleted.
      canary = join(root, 'victim', 'important');
      mkdirSync(canary, { recursive: true });
      writeFileSync(join(canary, 'notes.txt'), 'mine');
      execFileSync('chown', ['-R', `${victim.uid}:${victim.gid}`, join(root, 'victim')]);
      chmodSync(join(root, 'victim'), 0o755);
      chmodSync(canary, 0o700);

      // The victim's data folder, made for them (a victim may not create folders in the test's root).
      mkdirSync(home, { mode: 0o700 });
      chownSync(home, victim.uid, victim.gid);
      const photos = join(root, 'photos');
      await synthesize(photos, 4);
      execFileSync('chown', ['-R', `${victim.uid}:${victim.gid}`, photos]);
      for (const args of [
        ['models', 'fetch', 'synthetic-tiny', '--json'],
        ['index', photos, '--json'],
      ]) {
        const result = await victimEidos(home, args);
        expect(result.code, result.stdout + result.stderr).toBe(0);
      }
      cpSync(home, longHome, { recursive: true, preserveTimestamps: true });
      execFileSync('chown', ['-R', `${victim.uid}:${victim.gid}`, longHome]);
      const first = await victimEidos(home, ['search', QUERY, '--json']);
      expect(first.code, first.stderr).toBe(0);
      alone = (JSON.parse(first.stdout) as { results: unknown }).results;
      expect((alone as unknown[]).length).toBeGreaterThan(0);
    }, 300_000);

    afterAll(() => {
      for (const listener of listeners) listener.stop();
      if (root) rmSync(root, { recursive: true, force: true });
      if (longHome) rmSync(dirname(socketPathFor(longHome, tmpdir())), { recursive: true, force: true });
      victim?.remove();
      other?.remove();
    });

    /** The victim's search: exit 0, the answer it gives alone, nothing forged, the canary intact, and a report matching `ignored`. */
    async function searchIgnoring(eidosHome: string, ignored: RegExp | undefined, listener?: Listener): Promise<void> {
      const result = await victimEidos(eidosHome, ['search', QUERY, '--json']);
      // The harm first (what the attack of the issue did), then the answer, then the report.
      expect(existsSync(join(canary, 'notes.txt'))).toBe(true);
      if (listener) expect(await listener.connectionsBeforeProbe()).toEqual([]);
      expect(result.stdout).not.toContain(FORGED);
      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as { results: unknown }).results).toEqual(alone);
      if (ignored) expect(result.stderr).toMatch(ignored);
      else expect(result.stderr).toBe('');
    }

    it('dead pid in a run/ left 0777, naming the victim’s folder: nothing is deleted', async () => {
      const dir = freshRun(home, victim, 0o777);
      plantAsOther(holderInfoPath(home), await deadPid(), join(canary, 'eidos.sock'));
      await searchIgnoring(home, new RegExp(`${escape(dir)} is 0777: other users can write to it.*ignored`));
      expect(existsSync(canary)).toBe(true);
    });

    it('live pid in a run/ left 0777, naming the other user’s socket: the query never reaches it', async () => {
      freshRun(home, victim, 0o777);
      const evil = join(attackerDir, 'evil.sock');
      const listener = await listenAsOther(evil);
      plantAsOther(holderInfoPath(home), listener.pid, evil);
      await searchIgnoring(home, /other users can write to it/, listener);
    });

    it('live pid, the other user listening where the socket belongs, in a run/ left 0777', async () => {
      freshRun(home, victim, 0o777);
      const listener = await listenAsOther(socketPathFor(home, tmpdir()));
      plantAsOther(holderInfoPath(home), listener.pid, socketPathFor(home, tmpdir()));
      await searchIgnoring(home, /other users can write to it/, listener);
    });

    it('holder.json a link (the victim’s own) to the other user’s announcement', async () => {
      const dir = freshRun(home, victim, 0o700);
      const theirs = join(attackerDir, 'holder.json');
      plantAsOther(theirs, await deadPid(), join(canary, 'eidos.sock'));
      symlinkSync(theirs, holderInfoPath(home));
      lchownSync(holderInfoPath(home), victim.uid, victim.gid);
      await searchIgnoring(home, new RegExp(`${escape(dir)}/holder\\.json is a symbolic link`));
      expect(existsSync(canary)).toBe(true);
    });

    it('run/ a link (the victim’s own) to the other user’s folder with an announcement and a live socket', async () => {
      freshRun(home, victim, 0o700);
      rmSync(runDir(home), { recursive: true });
      const theirRun = join(attackerDir, 'run');
      asOther(`require('node:fs').mkdirSync(process.argv[1], { mode: 0o755 })`, theirRun);
      const listener = await listenAsOther(join(theirRun, 'eidos.sock'));
      plantAsOther(join(theirRun, 'holder.json'), listener.pid, join(theirRun, 'eidos.sock'));
      symlinkSync(theirRun, runDir(home));
      lchownSync(runDir(home), victim.uid, victim.gid);
      await searchIgnoring(home, /run is a symbolic link/, listener);
    });

    it('wrong owner: the other user’s holder.json in the victim’s 0700 run/, their socket where the socket belongs', async () => {
      freshRun(home, victim, 0o700);
      const listener = await listenAsOther(join(attackerDir, 'moved.sock'));
      moveSocket(join(attackerDir, 'moved.sock'), socketPathFor(home, tmpdir()));
      writeFileSync(
        holderInfoPath(home),
        JSON.stringify({ pid: listener.pid, host: hostname(), kind: 'serve', token: 't' }),
      );
      chownSync(holderInfoPath(home), other.uid, other.gid);
      chmodSync(holderInfoPath(home), 0o600);
      await searchIgnoring(home, new RegExp(`holder.json belongs to another user \\(uid ${other.uid}\\)`), listener);
    });

    it('wrong owner: a run/ made by the other user, with their announcement and socket', async () => {
      const dir = freshRun(home, other, 0o755);
      const listener = await listenAsOther(socketPathFor(home, tmpdir()));
      plantAsOther(holderInfoPath(home), listener.pid, socketPathFor(home, tmpdir()));
      await searchIgnoring(home, new RegExp(`${escape(dir)} belongs to another user \\(uid ${other.uid}\\)`), listener);
    });

    it('wrong owner of the socket alone: the victim’s own announcement, the other user’s socket in its place', async () => {
      freshRun(home, victim, 0o700);
      const listener = await listenAsOther(join(attackerDir, 'moved.sock'));
      moveSocket(join(attackerDir, 'moved.sock'), socketPathFor(home, tmpdir()));
      victimAnnouncement(holderInfoPath(home), listener.pid);
      await searchIgnoring(home, /eidos\.sock belongs to another user/, listener);
    });

    it('loose modes: the victim’s holder.json left 0666, or run/ left 0770', async () => {
      for (const [runMode, fileMode, reason] of [
        [0o700, 0o666, /holder\.json is 0666: other users can write to it/],
        [0o770, 0o600, /run is 0770: other users can write to it/],
      ] as const) {
        freshRun(home, victim, runMode);
        const listener = await listenAsOther(join(attackerDir, 'moved.sock'));
        moveSocket(join(attackerDir, 'moved.sock'), socketPathFor(home, tmpdir()));
        lchownSync(socketPathFor(home, tmpdir()), victim.uid, victim.gid);
        victimAnnouncement(holderInfoPath(home), listener.pid, fileMode);
        await searchIgnoring(home, reason, listener);
      }
    });

    it('a long data folder: the socket’s fallback folder under /tmp made by the other user is not trusted', async () => {
      freshRun(longHome, victim, 0o700);
      const socket = socketPathFor(longHome, tmpdir());
      expect(dirname(socket)).not.toBe(runDir(longHome));
      rmSync(dirname(socket), { recursive: true, force: true });
      asOther(`require('node:fs').mkdirSync(process.argv[1], { mode: 0o755 })`, dirname(socket));
      const listener = await listenAsOther(socket);
      victimAnnouncement(holderInfoPath(longHome), listener.pid);
      await searchIgnoring(longHome, new RegExp(`${escape(dirname(socket))} belongs to another user`), listener);
    });

    it('a long data folder: a stale announcement removes its socket and an empty folder only, never a tree', async () => {
      freshRun(longHome, victim, 0o700);
      const socket = socketPathFor(longHome, tmpdir());
      rmSync(dirname(socket), { recursive: true, force: true });
      mkdirSync(dirname(socket), { mode: 0o700 });
      writeFileSync(socket, '');
      writeFileSync(join(dirname(socket), 'keep-me.txt'), 'mine');
      execFileSync('chown', ['-R', `${victim.uid}:${victim.gid}`, dirname(socket)]);
      victimAnnouncement(holderInfoPath(longHome), await deadPid());
      await searchIgnoring(longHome, undefined);
      expect(existsSync(holderInfoPath(longHome))).toBe(false);
      expect(existsSync(socket)).toBe(false);
      expect(existsSync(join(dirname(socket), 'keep-me.txt'))).toBe(true);
    });

    /** The victim's `eidos serve` on `eidosHome`, once it has printed its address. */
    async function serveAsVictim(eidosHome: string): Promise<{ pid: number; stderr(): string; stop(): Promise<void> }> {
      const serve = spawn(process.execPath, [EIDOS, 'serve', '--json', '--port', '0'], {
        uid: victim.uid,
        gid: victim.gid,
        cwd: root,
        env: envFor(eidosHome),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      serve.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<void>((resolve) => serve.once('exit', () => resolve()));
      const stop = async (): Promise<void> => {
        serve.kill('SIGTERM');
        // serve stops on SIGTERM, but the engine's open handles can keep it alive afterwards (as in serve-fixture.ts).
        const force = setTimeout(() => serve.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(force);
      };
      try {
        await new Promise<string>((resolve, reject) => {
          createInterface({ input: serve.stdout! }).once('line', resolve);
          serve.once('exit', (code) => reject(new Error(`eidos serve exited (${code}): ${stderr}`)));
        });
      } catch (error) {
        await stop();
        throw error;
      }
      return { pid: serve.pid!, stderr: () => stderr, stop };
    }

    it('the victim’s eidos serve sets a tampered run/ aside, never talks to the planted socket, and serves the CLI', async () => {
      freshRun(home, victim, 0o777);
      const listener = await listenAsOther(socketPathFor(home, tmpdir()));
      plantAsOther(holderInfoPath(home), listener.pid, socketPathFor(home, tmpdir()));
      const serve = await serveAsVictim(home);
      try {
        expect(serve.stderr()).toMatch(
          new RegExp(`${escape(runDir(home))} is 0777: other users can write to it.*made afresh`),
        );
        const run = lstatSync(runDir(home));
        expect([run.isDirectory(), run.uid, run.mode & 0o777]).toEqual([true, victim.uid, 0o700]);
        const announcement = lstatSync(holderInfoPath(home));
        expect([announcement.isFile(), announcement.uid, announcement.mode & 0o777]).toEqual([true, victim.uid, 0o600]);
        expect(await listener.connectionsBeforeProbe()).toEqual([]);

        const indexed = await victimEidos(home, ['index']);
        expect(indexed.code, indexed.stderr).toBe(0);
        expect(indexed.stderr).toContain(`indexing through eidos serve (pid ${serve.pid}), which holds the index`);
        const searched = await victimEidos(home, ['search', QUERY, '--json']);
        expect(searched.code, searched.stderr).toBe(0);
        const paths = (answer: unknown): unknown => (answer as Array<{ path: string }>).map((result) => result.path);
        expect(paths((JSON.parse(searched.stdout) as { results: unknown }).results)).toEqual(paths(alone));
        expect(await listener.connectionsBeforeProbe()).toEqual([]);
      } finally {
        await serve.stop();
      }
    }, 120_000);

    it('the victim’s eidos serve with a long data folder whose /tmp fallback the other user made: says so, serves on, connects to nothing', async () => {
      freshRun(longHome, victim, 0o700);
      const socket = socketPathFor(longHome, tmpdir());
      rmSync(dirname(socket), { recursive: true, force: true });
      asOther(`require('node:fs').mkdirSync(process.argv[1], { mode: 0o777 })`, dirname(socket));
      const listener = await listenAsOther(socket);
      const serve = await serveAsVictim(longHome);
      try {
        expect(serve.stderr()).toMatch(
          new RegExp(
            `cannot work through this one: The local socket's folder ${escape(dirname(socket))} belongs to another user \\(uid ${other.uid}\\)`,
          ),
        );
        expect(existsSync(holderInfoPath(longHome))).toBe(false);
        expect(await listener.connectionsBeforeProbe()).toEqual([]);
        // The CLI beside it finds no holder and is refused the writer lock, naming serve's pid.
        const indexed = await victimEidos(longHome, ['index', '--json']);
        expect(indexed.code).toBe(1);
        expect(indexed.stdout).toContain('INDEX_LOCKED');
        expect(await listener.connectionsBeforeProbe()).toEqual([]);
      } finally {
        await serve.stop();
      }
    }, 120_000);
  },
);
