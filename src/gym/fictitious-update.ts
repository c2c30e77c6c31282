/**
 * One fictitious-play averaging step of a flow table from visit counts (DESIGN §4, `fictitious`):
 * at update k (k = 1, 2, ...), for every epoch t that has visits,
 *   L_t <- (1 - w) L_t + w · Lhat_t,  w = 1/(k+1),  Lhat_t(s, a) = counts_t(s, a) / sum counts_t;
 * epochs without visits keep L_t. The initial flow counts as the first member of the average,
 * so after k updates L is the mean of the initial flow and the k empirical flows.
 *
 * flow and counts have the layout X[t*S*A + s*A + a]. Returns a new table (the old one may be
 * held by a population object).
 */
export function fictitiousUpdate(flow: Float64Array, counts: Float64Array, horizon: number, rowSize: number, k: number): Float64Array {
  const w = 1 / (k + 1);
  const out = flow.slice();
  for (let t = 0; t < horizon; t++) {
    const base = t * rowSize;
    let n = 0;
    for (let j = 0; j < rowSize; j++) n += counts[base + j]!;
    if (n === 0) continue;
    for (let j = 0; j < rowSize; j++) out[base + j] = (1 - w) * flow[base + j]! + (w * counts[base + j]!) / n;
  }
  return out;
}
