import type { Handler } from '../handler-context';
import type { Op } from '../request-validator';
import { close } from './close';
import { hello } from './hello';
import { listEnvs } from './list-envs';
import { make } from './make';
import { ping } from './ping';
import { populationReport } from './population-report';
import { populationUpdate } from './population-update';
import { reset } from './reset';
import { step } from './step';

/** One handler per op of protocol/PROTOCOL.md. */
export const HANDLERS: Readonly<Record<Op, Handler>> = {
  hello,
  ping,
  list_envs: listEnvs,
  make,
  reset,
  step,
  population_update: populationUpdate,
  population_report: populationReport,
  close,
};
