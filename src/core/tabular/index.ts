export * from './policy';
export * from './forward-flow';
export * from './backward-induction';
export * from './best-response';
export * from './exploitability';
