import type { Handler } from '../handler-context';

export const ping: Handler = () => ({ pong: true });
