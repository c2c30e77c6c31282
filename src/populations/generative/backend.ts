import { MfgError } from '../../core/errors';
import { registerFastMatMulGradient } from './matmul-gradient';

/** The TensorFlow.js namespace (types only: the module itself is loaded lazily). */
export type Tf = typeof import('@tensorflow/tfjs');

/** A loaded TensorFlow.js with the name of the backend that runs ("tensorflow" or "wasm"). */
export interface TfHandle {
  readonly tf: Tf;
  readonly backend: string;
}

let loading: Promise<TfHandle> | null = null;

/**
 * Loads TensorFlow.js once: `@tensorflow/tfjs-node` when it is installed (native libtensorflow,
 * an optionalDependency whose install fails offline), else `@tensorflow/tfjs` on the wasm
 * backend, whose .wasm files ship in the npm package. Loaded with require inside the function so
 * `import 'mfgym'` never pays for tfjs; later calls return the same handle.
 */
export function loadTf(): Promise<TfHandle> {
  loading ??= load().catch((e: unknown) => {
    loading = null;
    throw new MfgError('MFG_ERR_INTERNAL', `TensorFlow.js could not be loaded: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  return loading;
}

async function load(): Promise<TfHandle> {
  const node = tryRequire('@tensorflow/tfjs-node') as Tf | null;
  if (node) {
    await node.ready();
    return { tf: node, backend: node.getBackend() };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as Tf;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) {
    throw new MfgError('MFG_ERR_INTERNAL', 'the TensorFlow.js wasm backend failed to initialise');
  }
  await tf.ready();
  // wasm's transpose-flagged matMul is ~6x slower than an explicit transpose: see matmul-gradient.ts.
  registerFastMatMulGradient(tf);
  return { tf, backend: tf.getBackend() };
}

function tryRequire(name: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name);
  } catch {
    return null;
  }
}
