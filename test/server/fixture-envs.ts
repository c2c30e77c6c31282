import { noisyGridSpec } from '../gym/noisy-grid';

/**
 * The test fixture envs as a `--load` module: the server's worker threads have registries of
 * their own, so they load this file to see what the harness registered in the main thread.
 */
export const envs = [noisyGridSpec];
