/** A chain of n fragments, each spreading the next twice: 2^n fields once spread out, in ~45 bytes each. */
export function fragmentFanOut(n: number): string {
  const fragments = Array.from(
    { length: n },
    (_, i) => `fragment F${i} on MallProduct { ${i < n - 1 ? `...F${i + 1} ...F${i + 1}` : 'id title'} }`,
  );
  return `query FanOut { products { ...F0 } } ${fragments.join(' ')}`;
}
