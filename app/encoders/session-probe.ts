/**
 * A child process that creates one onnxruntime session with the verbose log on and exits: the parent
 * (placement-probe.ts) reads the log from this process's stderr, where onnxruntime writes it. A child,
 * because onnxruntime-node has no log callback and its log goes to the whole process's stderr: in the
 * engine that would be the user's terminal, shared by every session.
 *
 * argv[2]: a JSON SessionRequest. stdout: one JSON line, { ok: true } or { ok: false, message }.
 */
import * as ort from 'onnxruntime-node';
import { sessionOptions, type SessionRequest } from './onnx-session.ts';

const req = JSON.parse(process.argv[2] ?? '{}') as SessionRequest;
try {
  const session = await ort.InferenceSession.create(
    req.path,
    sessionOptions({ ...req, log: { severity: 0, id: 'eidos-probe' } }, req.provider),
  );
  await session.release();
  process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, message: (error as Error).message })}\n`);
}
