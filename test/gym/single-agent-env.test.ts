import { expect } from 'chai';
import '../../src/index';
import { MfgError } from '../../src/core/errors';
import { makeSingleEnv } from '../../src/gym/single-agent-env';
import { MfgVectorEnv } from '../../src/gym/vector-env';
import { MfgEnv } from '../../src/gym/single-agent-env';
import { noisyGrid } from './noisy-grid';

describe('gym: MfgEnv (one representative agent)', () => {
  it('LeftRight: (obs, info) then (obs, reward, terminated, truncated, info); reset after the end', async () => {
    const env = await makeSingleEnv('LeftRight-v0');
    expect(env.reset(0)).to.deep.equal({ obs: [0, 0], info: { actionMask: Uint8Array.of(1, 1), t: 0 } });
    const s1 = env.step(1);
    expect(s1).to.deep.include({ obs: [2, 1], reward: 0, terminated: false, truncated: false });
    const s2 = env.step(0);
    // Gamma(uniform): mu_1(right) = 1/2, so the right side costs 2 * 1/2
    expect(s2).to.deep.include({ obs: [2, 2], reward: -1, terminated: true, truncated: false });
    expect(() => env.step(0)).to.throw(MfgError, /reset/);
    expect(env.reset().obs).to.deep.equal([0, 0]);
    env.close();
    env.close();
  });

  it('is agent 0 of the vector env seeded the same way', () => {
    const single = new MfgEnv(new MfgVectorEnv(noisyGrid(), { autoreset: 'disabled' }));
    const vec = new MfgVectorEnv(noisyGrid(), { numAgents: 3 });
    expect(single.reset(5).obs).to.deep.equal(Array.from(vec.reset(5).obs.subarray(0, 3)));
    for (let k = 0; k < 4; k++) {
      const s = single.step(k % 2);
      const v = vec.step([k % 2, 0, 1]);
      expect(s.obs).to.deep.equal(Array.from(v.obs.subarray(0, 3)));
      expect(s.reward).to.equal(v.rewards[0]);
    }
    expect(() => new MfgEnv(vec)).to.throw(MfgError);
  });
});
