export * from './policy-source';
export * from './state-flow';
export * from './streaming-evaluation';
export * from './flow-mixture';
export * from './compressed-mask-policy';
