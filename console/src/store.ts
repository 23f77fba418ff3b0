/**
 * What this browser remembers per round: the imports and samples it started. Today's API reads an
 * import or a sample by id but does not list them, so the console keeps the ids it was given.
 */
const key = (roundId: string, what: 'imports' | 'samples') => `dieutra.console.${what}.${roundId}`;

export const remembered = (roundId: string, what: 'imports' | 'samples'): string[] => {
  try {
    return JSON.parse(localStorage.getItem(key(roundId, what)) ?? '[]') as string[];
  } catch {
    return [];
  }
};

export const remember = (roundId: string, what: 'imports' | 'samples', id: string): void => {
  const ids = remembered(roundId, what).filter((x) => x !== id);
  localStorage.setItem(key(roundId, what), JSON.stringify([id, ...ids].slice(0, 50)));
};
