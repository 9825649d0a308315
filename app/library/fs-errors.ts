import { describeError } from '../contract/errors.ts';

/** Plain words for the file-system failures users meet, instead of Node's "EACCES: …, open '…'". */
const words: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'it vanished or is a broken link',
  ELOOP: 'too many levels of symbolic links (a link loop)',
  EIO: 'input/output error (a failing disk or a disconnected drive)',
  ENAMETOOLONG: 'the path is too long for the system',
};

/** "permission denied (EACCES)" and the like; other failures keep their own message. */
export function describeFsError(error: unknown): string {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = errno === undefined ? undefined : words[errno];
  return text ? `${text} (${errno})` : describeError(error);
}
