import { expect } from 'chai';

/**
 * The package's public surface, snapshotted (tfjs keeps the same guard on its index): an export
 * added or removed shows up here as a deliberate change. Importing the package must not load
 * TensorFlow.js or ZeroMQ: the generative population and the server load them on first use.
 */
const EXPORTS = [
  'AUTORESET_MODES',
  'Box',
  'ContinuousParticleFlow',
  'ContinuousParticles',
  'ContinuousVectorEnv',
  'DECLARATIVE_GAME_SCHEMA',
  'DEFAULT_BIND',
  'DEFAULT_LIMITS',
  'Discrete',
  'ERROR_CODES',
  'ExactPopulation',
  'GD_SOLVERS',
  'GaussianPopulation',
  'LEARNING_SOLVERS',
  'MAX_SEED',
  'MEAN_FIELD_MODES',
  'MfgEnv',
  'MfgError',
  'MfgServer',
  'MfgVectorEnv',
  'MultiDiscrete',
  'PROTOCOL_VERSION',
  'ParticlePopulation',
  'Rng',
  'SOLVERS',
  'TIE_BREAKS',
  'backwardInduction',
  'buildKernel',
  'checkKernel',
  'checkPolicy',
  'checkSeed',
  'checkTieBreak',
  'clonePolicy',
  'continuousPopulationKinds',
  'createSolver',
  'declarativeGame',
  'declarativeGameSpec',
  'denseKernel',
  'deterministicKernel',
  'epochView',
  'evaluateAgainstFlow',
  'evaluatePolicy',
  'expectationUnder',
  'exploitability',
  'formatEnvId',
  'gaussianW2',
  'greedyBestResponse',
  'greedyPolicy',
  'isFiniteGame',
  'isMfgError',
  'learningSolverNames',
  'list',
  'loadEnvModule',
  'lqClosedForm',
  'lqEquilibriumPolicy',
  'lqEta',
  'makeAnyEnv',
  'makeContinuousEnv',
  'makeContinuousPopulation',
  'makeContinuousPopulationSync',
  'makeEnv',
  'makeEnvWithKwargs',
  'makeGame',
  'makePopulation',
  'makePopulationSync',
  'makeSingleEnv',
  'maxOverLegal',
  'meanFieldFlow',
  'parseEnvId',
  'passivePolicy',
  'populationKinds',
  'pushForward',
  'register',
  'registerContinuousPopulationKind',
  'registerPopulationKind',
  'resolveKwargs',
  'resolveParams',
  'runGdMfrl',
  'runLearningSolver',
  'runSolver',
  'simulateAgents',
  'simulateContinuous',
  'singlePopulationGame',
  'softmaxPolicy',
  'solverDefinition',
  'solverNames',
  'spaceFromJSON',
  'spec',
  'stateMarginal',
  'tableSize',
  'uniformPolicy',
  'uniformRow',
  'unregister',
  'valuesFromQ',
  'w2ToGaussian'
];

describe('public exports', () => {
  it('match the snapshot', () => {
    const mfgym = require('../src/index') as Record<string, unknown>;
    expect(Object.keys(mfgym).sort()).to.deep.equal(EXPORTS);
  });

  it('importing mfgym loads neither TensorFlow.js nor ZeroMQ', () => {
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const script = "require(process.argv[1]); const ks = Object.keys(require.cache); console.log(JSON.stringify({ tf: ks.some((k) => k.includes('@tensorflow')), zmq: ks.some((k) => k.includes('zeromq')) }))";
    const out = execFileSync(process.execPath, ['-e', script, require.resolve('../src/index')], { encoding: 'utf8' });
    expect(JSON.parse(out)).to.deep.equal({ tf: false, zmq: false });
  });
});
