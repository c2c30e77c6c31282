export { MfgServer, DEFAULT_BIND, type ServerOptions } from './mfg-server';
export { DEFAULT_LIMITS, type ServerLimits } from './limits';
export { PROTOCOL_VERSION } from './protocol-version';
export { RequestValidator, OPS, protocolDir, packageRoot, type Op } from './request-validator';
export { decodeFrame, encodeFrame } from './codec';
export type { WireArray, WireDtype } from './wire-array';
