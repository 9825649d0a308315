/**
 * Real second (and third) users for the security tests: made with `useradd` when the tests run as root
 * (as CI does), removed afterwards; without root the tests that need them are skipped with the reason.
 * A process "as" such a user is a real setuid child: the kernel's permission checks, not a mock.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  remove(): void;
}

/** Why users cannot be made here, or undefined when they can. */
export const usersUnavailable: string | undefined =
  process.platform === 'win32'
    ? 'POSIX users only'
    : process.getuid?.() !== 0
      ? 'needs root to make a second real user (run the tests as root, as CI does)'
      : undefined;

/** useradd takes a lock on /etc/passwd; another test run on the machine may hold it for a moment. */
function withRetries(args: string[], command: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      return;
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
      if (attempt >= 20 || !/lock|try again/i.test(stderr)) throw new Error(`${command} ${args.join(' ')}: ${stderr}`);
      execFileSync('sleep', ['0.2']); // a lock held by another useradd, not a state this test waits for
    }
  }
}

/** A new system user with its own group, no home and no login; `prefix` keeps the name readable in `ls -l`. */
export function makeUser(prefix: string): SystemUser {
  const name = `${prefix}-${process.pid.toString(36)}${randomBytes(3).toString('hex')}`.slice(0, 31);
  withRetries(
    [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      name,
    ],
    'useradd',
  );
  const id = (flag: string): number => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  return { name, uid: id('-u'), gid: id('-g'), remove: () => withRetries([name], 'userdel') };
}
