/**
 * Go's fmt.Sprintf("%0.10f", 1.0/float64(n)): the exact binary value rounded half-to-even at the 10th
 * decimal. Number#toFixed rounds ties up, which differs for n = 2048 (0.00048828125).
 */
export function computeProbability(n: number): string {
  return formatFixedHalfEven(1 / n, 10);
}

function formatFixedHalfEven(value: number, decimals: number): string {
  const [mantissa, exponent] = exactBinary(value);
  // value = mantissa * 2^exponent, exponent < 0 here: scale by 10^decimals and divide exactly.
  const numerator = mantissa * 10n ** BigInt(decimals);
  const denominator = 2n ** BigInt(-exponent);
  let quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  const digits = quotient.toString().padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** A positive finite double as mantissa * 2^exponent with exponent <= 0. */
function exactBinary(value: number): [bigint, number] {
  let exponent = 0;
  let scaled = value;
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    exponent--;
  }
  return [BigInt(scaled), exponent];
}

const cache: string[] = [];

export function probability(n: number): string {
  return (cache[n] ??= computeProbability(n));
}
