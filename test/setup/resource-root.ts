// Every test file runs the engine's source from this checkout, so the checkout is the resource root
// (app/resources.ts), as bin/eidos.js makes the package folder the root of the built CLI.
import { fileURLToPath } from 'node:url';
import { setResourceRoot } from '../../app/resources.ts';

setResourceRoot(fileURLToPath(new URL('../..', import.meta.url)));
