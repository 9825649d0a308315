/**
 * Where onnxruntime puts a graph's nodes for a session request, as onnxruntime itself says at session
 * creation: the request is opened once more in a child process (session-probe.ts) with the verbose log
 * on, and its log is parsed (ort-log.ts). Same file, same options, same onnxruntime: the same
 * partitioning as the engine's own session, which cannot be asked (its log would go to the terminal).
 */
import { execFile } from 'node:child_process';
import { EidosError } from '../contract/errors.ts';
import { childScript } from '../workers/start-worker.ts';
import type { SessionRequest } from './onnx-session.ts';
import { parseOrtLog, type SessionPlacement } from './ort-log.ts';

/** onnxruntime's verbose log of one session can be long (a line per node and per transformer pass). */
const MAX_LOG = 256 * 1024 * 1024;

export async function probePlacement(req: SessionRequest): Promise<SessionPlacement> {
  const { command, args } = childScript('session-probe');
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      command,
      [...args, JSON.stringify(req)],
      // ELECTRON_RUN_AS_NODE: inside the app, process.execPath is Electron, which runs the script as Node.
      { env: { ...process.env, ORT_DISABLE_TELEMETRY: '1', ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: MAX_LOG },
      (error, out, err) => (error ? reject(error) : resolve({ stdout: out, stderr: err })),
    );
  });
  const answer = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ok?: boolean; message?: string };
  if (!answer.ok)
    throw new EidosError(
      'MODEL_INVALID',
      `${req.path}: the session could not be created: ${answer.message ?? stdout}`,
      {
        file: req.path,
      },
    );
  return parseOrtLog(stderr);
}
