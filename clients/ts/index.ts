export { RemoteEnv } from './remote-env';
export { MfgClient, MfgRemoteError, MfgTimeoutError, CLIENT_PROTOCOL_VERSION, type ClientOptions, type MakeOptions, type Reply, type Infos, type RemoteReset, type RemoteStep, type SpaceJSON } from './mfgym-client';
export { decodeArray, decodeArrays, int64Array, float64Array, boolArray, isWireArray, type WireArray, type NdArray, type Dtype } from './wire';
