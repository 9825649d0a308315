import { isAbsolute, resolve } from 'node:path';

/**
 * Reads an `strace -f -y` log (the syscalls listed in ./traced.ts) and judges it against the offline
 * guarantee: no connection that could leave the machine, and no write outside the data folder.
 * The kernel's record of what a process did is the independent truth here; this module only reads it.
 */

export interface Syscall {
  pid: number;
  name: string;
  /** Top-level arguments as strace printed them. */
  args: string[];
  /** What follows ` = `: `0`, `3</path>`, `-1 ENOENT (No such file or directory)`, … */
  result: string;
  /** The whole call, for messages. */
  line: string;
}

export type FindingKind = 'network' | 'dns' | 'ipc' | 'write' | 'unverifiable';

export interface Finding {
  kind: FindingKind;
  pid: number;
  detail: string;
  line: string;
}

export interface Policy {
  /** The data folder (EIDOS_HOME): every write must land inside it. */
  home: string;
  /** The traced command's working directory (relative paths of non-`at` calls resolve against it). */
  cwd: string;
  /** Files outside `home` that may be opened for writing (e.g. /dev/null). */
  writableFiles: string[];
  /** Folders outside `home` whose contents may be written (e.g. tsx's compile cache of a checkout). */
  writableDirs: string[];
  /** Unix sockets that may be connected to (local IPC that cannot reach another machine). */
  unixSockets: (path: string) => boolean;
  /** Loopback ports that may be connected to. */
  loopbackPorts: number[];
}

const WRITE_FLAGS = /\bO_(WRONLY|RDWR|CREAT|TRUNC|APPEND)\b/;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const DNS_PORT = 53;

/** Splits the log into calls, joining `<unfinished ...>` halves with their `<... resumed>` rest. */
export function parseStraceLog(text: string): Syscall[] {
  const pending = new Map<number, string>();
  const calls: Syscall[] = [];
  for (const raw of text.split('\n')) {
    const match = /^(\d+)\s+(.*)$/.exec(raw);
    if (!match) continue;
    const pid = Number(match[1]);
    let body = match[2]!;
    if (body.startsWith('---') || body.startsWith('+++')) continue; // signals and exits
    const resumed = /^<\.\.\. [\w?]+ resumed>\s?(.*)$/.exec(body);
    if (resumed) {
      const head = pending.get(pid);
      pending.delete(pid);
      if (head === undefined) continue; // the first half was before the trace started
      body = head + resumed[1]!;
    }
    if (body.endsWith('<unfinished ...>')) {
      pending.set(pid, body.slice(0, -'<unfinished ...>'.length).trimEnd());
      continue;
    }
    const call = parseCall(pid, body);
    if (call) calls.push(call);
  }
  // A call still unfinished at the end (the process was killed inside it) was still attempted.
  for (const [pid, head] of pending) {
    const call = parseCall(pid, `${head}) = ?`);
    if (call) calls.push(call);
  }
  return calls;
}

function parseCall(pid: number, body: string): Syscall | undefined {
  const open = /^(\w+)\(/.exec(body);
  if (!open) return undefined;
  const start = open[0].length;
  const { parts, end } = splitArgs(body, start);
  const result = /^\s*=\s*(.*)$/.exec(body.slice(end + 1))?.[1] ?? '?';
  return { pid, name: open[1]!, args: parts, result, line: `${pid} ${body}` };
}

/** Top-level comma-separated arguments from `from` to the matching `)`; quotes, brackets and `<fd path>` nest. */
function splitArgs(text: string, from: number): { parts: string[]; end: number } {
  const closers: string[] = [];
  const parts: string[] = [];
  let current = '';
  let i = from;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const close = closingQuote(text, i);
      current += text.slice(i, close + 1);
      i = close;
      continue;
    }
    if (closers.length === 0 && c === ')') break;
    if (closers.length === 0 && c === ',') {
      parts.push(current.trim());
      current = '';
      continue;
    }
    const closer = ({ '(': ')', '{': '}', '[': ']', '<': '>' } as Record<string, string>)[c];
    if (closer) closers.push(closer);
    else if (c === closers.at(-1)) closers.pop();
    current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return { parts, end: i };
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

/** A C string literal as strace prints it (`\"`, `\\`, `\n`, octal `\NNN`, hex `\xHH`), as UTF-8 text. */
export function unquote(literal: string): string {
  const inner = /^"(.*)"(\.\.\.)?$/s.exec(literal)?.[1] ?? literal;
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, a: 7, b: 8, '"': 34, '\\': 92, "'": 39 };
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] !== '\\') {
      bytes.push(...Buffer.from(inner[i]!, 'utf8'));
      continue;
    }
    const next = inner[i + 1]!;
    const hex = /^x([0-9a-fA-F]{2})/.exec(inner.slice(i + 1));
    const octal = /^[0-7]{1,3}/.exec(inner.slice(i + 1));
    if (hex) {
      bytes.push(parseInt(hex[1]!, 16));
      i += 3;
    } else if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += octal[0].length;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The folder a `dirfd` argument stands for, from strace -y's `AT_FDCWD</dir>` or `5</dir>`. */
function dirOf(arg: string, cwd: string): string | undefined {
  const annotated = /^(?:AT_FDCWD|\d+)<(.*)>$/.exec(arg);
  if (annotated) return annotated[1];
  return arg === 'AT_FDCWD' ? cwd : undefined;
}

/** The absolute path a path argument names, relative to `dirArg` (or the working directory). */
function pathOf(pathArg: string, dirArg: string | undefined, cwd: string): string | undefined {
  const path = unquote(pathArg);
  if (isAbsolute(path)) return resolve(path);
  const base = dirArg === undefined ? cwd : dirOf(dirArg, cwd);
  return base === undefined ? undefined : resolve(base, path);
}

/** For each write-like call: [dirfd argument index or -1, path argument index] of every path it writes. */
const WRITE_PATHS: Record<string, Array<[number, number]>> = {
  creat: [[-1, 0]],
  mkdir: [[-1, 0]],
  mkdirat: [[0, 1]],
  mknod: [[-1, 0]],
  mknodat: [[0, 1]],
  rmdir: [[-1, 0]],
  unlink: [[-1, 0]],
  unlinkat: [[0, 1]],
  rename: [
    [-1, 0],
    [-1, 1],
  ],
  renameat: [
    [0, 1],
    [2, 3],
  ],
  renameat2: [
    [0, 1],
    [2, 3],
  ],
  truncate: [[-1, 0]],
  symlink: [[-1, 1]],
  symlinkat: [[1, 2]],
  link: [[-1, 1]],
  linkat: [[2, 3]],
};

function writtenPaths(call: Syscall, cwd: string): Array<string | undefined> {
  if (call.name === 'open' || call.name === 'openat') {
    const at = call.name === 'openat' ? 1 : 0;
    const flags = call.args[at + 1] ?? '';
    if (!WRITE_FLAGS.test(flags)) return [];
    return [pathOf(call.args[at]!, at === 1 ? call.args[0] : undefined, cwd)];
  }
  return (WRITE_PATHS[call.name] ?? []).map(([dir, path]) =>
    pathOf(call.args[path]!, dir < 0 ? undefined : call.args[dir], cwd),
  );
}

const inside = (path: string, dir: string): boolean =>
  path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

function writeAllowed(path: string, policy: Policy): boolean {
  return (
    inside(path, policy.home) ||
    policy.writableFiles.includes(path) ||
    policy.writableDirs.some((dir) => inside(path, dir))
  );
}

interface Address {
  family: string;
  host?: string;
  port?: number;
  path?: string;
}

/** Every socket address in the arguments (`{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("…")}`, …). */
function addressesIn(args: string[]): Address[] {
  const found: Address[] = [];
  for (const struct of args.join(', ').match(/\{sa_family=[^{}]*\}/g) ?? []) {
    const family = /sa_family=(\w+)/.exec(struct)![1]!;
    const port = /sin6?_port=htons\((\d+)\)/.exec(struct)?.[1];
    const host = /inet_addr\("([^"]*)"\)/.exec(struct)?.[1] ?? /inet_pton\(AF_INET6, "([^"]*)"/.exec(struct)?.[1];
    const path = /sun_path=(@?"(?:[^"\\]|\\.)*")/.exec(struct)?.[1];
    found.push({
      family,
      ...(host ? { host } : {}),
      ...(port ? { port: Number(port) } : {}),
      ...(path ? { path: path.startsWith('@') ? `@${unquote(path.slice(1))}` : unquote(path) } : {}),
    });
  }
  return found;
}

function judgeAddress(call: Syscall, address: Address, policy: Policy): Finding | undefined {
  const finding = (kind: FindingKind, detail: string): Finding => ({ kind, pid: call.pid, detail, line: call.line });
  if (address.family === 'AF_UNIX') {
    const path = address.path ?? '';
    if (call.name === 'bind')
      return inside(path, policy.home)
        ? undefined
        : finding('write', `binds a unix socket outside the data folder: ${path}`);
    if (/nscd\/socket$/.test(path)) return finding('dns', `asks the name service cache (nscd) at ${path}`);
    return policy.unixSockets(path) ? undefined : finding('ipc', `connects to the unix socket ${path}`);
  }
  if (address.family === 'AF_INET' || address.family === 'AF_INET6') {
    const where = `${address.host ?? '?'}:${address.port ?? '?'}`;
    if (address.port === DNS_PORT) return finding('dns', `${call.name} to a name server at ${where}`);
    const loopback = LOOPBACK.has(address.host ?? '');
    if (call.name === 'bind')
      return loopback ? undefined : finding('network', `binds to ${where}, reachable from other machines`);
    if (loopback && policy.loopbackPorts.includes(address.port ?? -1)) return undefined;
    return finding('network', `${call.name} to ${where}`);
  }
  return finding('network', `${call.name} with a ${address.family} address`);
}

/** Everything in `calls` that breaks the offline guarantee under `policy`. */
export function findViolations(calls: Syscall[], policy: Policy): Finding[] {
  const findings: Finding[] = [];
  for (const call of calls) {
    if (['connect', 'bind', 'sendto', 'sendmsg', 'sendmmsg'].includes(call.name)) {
      for (const address of addressesIn(call.args)) {
        const finding = judgeAddress(call, address, policy);
        if (finding) findings.push(finding);
      }
      continue;
    }
    if (call.name === 'io_uring_setup' && !call.result.startsWith('-1')) {
      findings.push({
        kind: 'unverifiable',
        pid: call.pid,
        detail: 'io_uring file operations bypass this trace',
        line: call.line,
      });
      continue;
    }
    if (call.name === 'chdir' || call.name === 'fchdir') {
      // A spawn with a `cwd` option chdirs in the child before exec (tsx's esbuild service does): harmless
      // while it stays the working directory every traced process started in. Anywhere else, relative
      // paths of later calls would resolve against a folder this reader does not follow.
      const target =
        call.name === 'chdir' ? pathOf(call.args[0]!, undefined, policy.cwd) : dirOf(call.args[0]!, policy.cwd);
      if (call.result === '0' && target !== resolve(policy.cwd)) {
        findings.push({
          kind: 'unverifiable',
          pid: call.pid,
          detail: `changed directory to ${target ?? call.args[0]}, so relative paths cannot be resolved`,
          line: call.line,
        });
      }
      continue;
    }
    for (const path of writtenPaths(call, policy.cwd)) {
      if (path === undefined)
        findings.push({
          kind: 'unverifiable',
          pid: call.pid,
          detail: 'a write relative to a folder strace could not name',
          line: call.line,
        });
      else if (!writeAllowed(path, policy))
        findings.push({
          kind: 'write',
          pid: call.pid,
          detail: `${call.name} outside the data folder: ${path} (${call.result})`,
          line: call.line,
        });
    }
  }
  return findings;
}
