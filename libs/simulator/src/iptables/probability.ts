const SCALE = 0x80000000;

/** libxt_statistic keeps a probability as the u32 lround(p * 2^31). */
export function probabilityToKernel(probability: number): number {
  return Math.round(probability * SCALE);
}

/**
 * How iptables prints a kept probability: %.11f of u32 / 2^31. toFixed rounds the exact binary value
 * like glibc's printf does, and ties cannot occur with a 2^31 denominator at 11 decimals.
 */
export function formatKernelProbability(kernelValue: number): string {
  return (kernelValue / SCALE).toFixed(11);
}
