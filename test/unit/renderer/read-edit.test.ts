import { describe, expect, it } from 'vitest';
import { withoutReading, withPlace } from '../../../renderer/src/lib/read-edit.ts';

describe('editing the query from a chip', () => {
  it('removing a chip takes its words out', () => {
    expect(withoutReading('beach in Portugal 2019', 'in Portugal')).toBe('beach 2019');
    expect(withoutReading('dog last summer', 'last summer')).toBe('dog');
    expect(withoutReading('dog', 'in Lisbon')).toBe('dog');
  });
  it('choosing another place puts its words in, keeping the preposition', () => {
    expect(withPlace('near Paris', 'near Paris', 'Paris, Texas')).toBe('near Paris, Texas');
    expect(withPlace('Paris 2019 sunset', 'Paris', 'Paris, Tennessee')).toBe('Paris, Tennessee 2019 sunset');
  });
});
