const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "64kb", "1mb" or a plain number of bytes (body-parser's notation) as bytes. */
export function sizeInBytes(limit: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!match) throw new RangeError(`not a size: ${JSON.stringify(limit)}`);
  return Math.floor(Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()]);
}
