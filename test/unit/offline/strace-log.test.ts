import { describe, expect, it } from 'vitest';
import { findViolations, parseStraceLog, unquote, type Policy } from '../../helpers/strace-log.ts';

/**
 * The strace reader against a handcrafted log whose verdicts are known line by line (the lines are in
 * the exact shapes strace 6.1 prints with -f -y; the network ones were copied from a real trace).
 */
const policy: Policy = {
  home: '/t/home',
  cwd: '/work/main',
  writableFiles: ['/dev/null'],
  writableDirs: ['/t/tmp/tsx-0'],
  unixSockets: (path) => /^\/t\/tmp\/tsx-0\/\d+\.pipe$/.test(path),
  loopbackPorts: [4000],
};

const LOG = String.raw`
100  openat(AT_FDCWD</work/main>, "/t/home/index.sqlite", O_RDWR|O_CREAT|O_CLOEXEC, 0644) = 20</t/home/index.sqlite>
100  openat(AT_FDCWD</work/main>, "/etc/ssl/openssl.cnf", O_RDONLY) = 3</etc/ssl/openssl.cnf>
100  openat(AT_FDCWD</work/main>, "/dev/null", O_WRONLY|O_CLOEXEC) = 21</dev/null>
101  openat(AT_FDCWD</t/home>, "thumbnails/ab.webp", O_WRONLY|O_CREAT|O_TRUNC, 0666 <unfinished ...>
102  openat(45</root/.cache/Microsoft/DeveloperTools/.onnxruntime>, "deviceid", O_RDWR|O_CREAT|O_NOFOLLOW|O_CLOEXEC, 0600 <unfinished ...>
101  <... openat resumed>) = 22</t/home/thumbnails/ab.webp>
102  <... openat resumed>) = 46</root/.cache/Microsoft/DeveloperTools/.onnxruntime/deviceid>
100  --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=9, si_uid=0, si_status=0} ---
100  mkdir("scratch", 0777)            = 0
100  mkdir("/t/home/models", 0777)     = -1 EEXIST (File exists)
100  mkdir("/t/home-evil", 0777)       = 0
100  openat(AT_FDCWD</work/main>, "/t/home/../tmp/mat-debug-100.log", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 23</t/tmp/mat-debug-100.log>
100  openat(AT_FDCWD</work/main>, "/t/tmp/tsx-0/1-abc", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644) = 24</t/tmp/tsx-0/1-abc>
100  openat(AT_FDCWD</work/main>, "/t/home/caf\303\251 \"q\".txt", O_WRONLY|O_CREAT, 0644) = 25</t/home/café "q".txt>
100  renameat2(AT_FDCWD</work/main>, "/t/home/a.partial", AT_FDCWD</work/main>, "/t/home/a", RENAME_NOREPLACE) = 0
100  renameat2(AT_FDCWD</work/main>, "/t/home/b", AT_FDCWD</work/main>, "/var/tmp/b", RENAME_NOREPLACE) = 0
100  unlinkat(26</t/home/thumbnails>, "ab.webp", 0) = 0
100  truncate("/etc/motd", 0)          = -1 EACCES (Permission denied)
100  connect(19<socket:[1]>, {sa_family=AF_UNIX, sun_path="/t/tmp/tsx-0/99.pipe"}, 110) = -1 ENOENT (No such file or directory)
100  connect(19<socket:[2]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)
100  connect(19<socket:[3]>, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 110) = 0
103  connect(21<socket:[4]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.255.255.1")}, 16 <unfinished ...>
104  connect(20<socket:[5]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0
103  <... connect resumed>) = -1 EINPROGRESS (Operation now in progress)
100  connect(22<socket:[6]>, {sa_family=AF_INET, sin_port=htons(4000), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
100  connect(22<socket:[7]>, {sa_family=AF_INET, sin_port=htons(4001), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
100  connect(21<socket:[8]>, {sa_family=AF_INET6, sin6_port=htons(4000), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0
100  connect(21<socket:[9]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 EINPROGRESS (Operation now in progress)
100  bind(20<socket:[10]>, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
100  bind(19<socket:[11]>, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("0.0.0.0")}, 16) = 0
100  sendmsg(19<socket:[11]>, {msg_name={sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, msg_namelen=16, msg_iov=[{iov_base="x", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 1
100  sendto(22<TCP:[127.0.0.1:5->127.0.0.1:4000]>, "GET / HTTP/1.1\r\n"..., 64, 0, NULL, 0) = 64
100  io_uring_setup(64, 0x7ffc) = -1 ENOSYS (Function not implemented)
100  io_uring_setup(64, 0x7ffd) = 27<anon_inode:[io_uring]>
106  chdir("/work/main")               = 0
107  chdir("/tmp")                     = 0
108  fchdir(3</work/main>)             = 0
105  unlinkat(AT_FDCWD</t/home>, "index.sqlite-journal", 0 <unfinished ...>
`;

describe('parseStraceLog', () => {
  const calls = parseStraceLog(LOG);

  it('joins unfinished calls with their resumed rest, skips signals, and keeps a call the process died in', () => {
    // 38 lines: one signal, three resumed halves.
    expect(calls).toHaveLength(34);
    const thumbnail = calls.find((call) => call.pid === 101)!;
    expect(thumbnail.args).toEqual(['AT_FDCWD</t/home>', '"thumbnails/ab.webp"', 'O_WRONLY|O_CREAT|O_TRUNC', '0666']);
    expect(thumbnail.result).toBe('22</t/home/thumbnails/ab.webp>');
    expect(calls.some((call) => call.line.includes('SIGCHLD'))).toBe(false);
    expect(calls.at(-1)).toMatchObject({ pid: 105, name: 'unlinkat', result: '?' });
  });

  it('keeps quoted commas and nested structures inside one argument', () => {
    const send = calls.find((call) => call.name === 'sendmsg')!;
    expect(send.args).toHaveLength(3);
    expect(send.args[2]).toBe('0');
  });
});

describe('unquote', () => {
  it('decodes octal UTF-8 bytes, hex bytes and escaped quotes', () => {
    expect(unquote(String.raw`"caf\303\251 \"q\".txt"`)).toBe('café "q".txt');
    expect(unquote(String.raw`"a\x2fb\\c\n"`)).toBe('a/b\\c\n');
    expect(unquote('"GET / "...')).toBe('GET / ');
  });
});

describe('findViolations', () => {
  const findings = findViolations(parseStraceLog(LOG), policy);
  const details = findings.map((f) => `${f.kind} ${f.pid} ${f.detail}`);

  it('flags exactly the lines that break the policy, with their reasons', () => {
    expect(details).toEqual([
      'write 102 openat outside the data folder: /root/.cache/Microsoft/DeveloperTools/.onnxruntime/deviceid (46</root/.cache/Microsoft/DeveloperTools/.onnxruntime/deviceid>)',
      'write 100 mkdir outside the data folder: /work/main/scratch (0)',
      'write 100 mkdir outside the data folder: /t/home-evil (0)',
      'write 100 openat outside the data folder: /t/tmp/mat-debug-100.log (23</t/tmp/mat-debug-100.log>)',
      'write 100 renameat2 outside the data folder: /var/tmp/b (0)',
      'write 100 truncate outside the data folder: /etc/motd (-1 EACCES (Permission denied))',
      'dns 100 asks the name service cache (nscd) at /var/run/nscd/socket',
      'ipc 100 connects to the unix socket /run/dbus/system_bus_socket',
      'dns 104 connect to a name server at 127.0.0.53:53',
      'network 103 connect to 10.255.255.1:80',
      'network 100 connect to 127.0.0.1:4001',
      'network 100 connect to 2001:db8::1:443',
      'network 100 binds to 0.0.0.0:0, reachable from other machines',
      'dns 100 sendmsg to a name server at 10.255.255.53:53',
      'unverifiable 100 io_uring file operations bypass this trace',
      'unverifiable 107 changed directory to /tmp, so relative paths cannot be resolved',
    ]);
  });

  it('finds nothing in a log of allowed calls only', () => {
    const allowed = LOG.split('\n').filter(
      (line) =>
        /index\.sqlite"|openssl|dev\/null|thumbnails|tsx-0|a\.partial|htons\(4000\)|"127\.0\.0\.1"\)\}, 16\) = 0|NULL, 0|ENOSYS|chdir\(.*\/work\/main/.test(
          line,
        ) && !/4001/.test(line),
    );
    expect(allowed.length).toBeGreaterThan(8);
    expect(findViolations(parseStraceLog(allowed.join('\n')), policy)).toEqual([]);
  });
});
