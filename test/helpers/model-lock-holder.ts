// Test helper: takes the install lock of model argv[3] in the models folder argv[2], says so with its pid,
// and holds it until killed (its work never ends).
import { withModelLock } from '../../app/models/install.ts';
import { resolveStore } from '../../app/models/store-context.ts';

const [modelsDir, id] = process.argv.slice(2);
if (!modelsDir || !id) throw new Error('usage: model-lock-holder.ts <models folder> <model id>');
void withModelLock(resolveStore({ modelsDir }), id, () => {
  process.stdout.write(`locked ${process.pid}\n`);
  return new Promise<never>(() => setInterval(() => undefined, 60_000));
});
