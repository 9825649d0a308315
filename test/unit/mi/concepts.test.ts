import { describe, expect, it } from 'vitest';
import {
  COLOUR_GROUP,
  conceptPrompt,
  loadConceptGroups,
  loadConcepts,
  parseConcepts,
} from '../../../app/mi/concept-prompts.ts';
import { thrownCode } from '../../helpers/errors.ts';

describe('concept vocabulary', () => {
  it('has at least 500 concepts and no duplicates, case-insensitively', () => {
    const concepts = loadConcepts();
    expect(concepts.length).toBeGreaterThanOrEqual(500);
    expect(new Set(concepts.map((c) => c.toLowerCase().trim())).size).toBe(concepts.length);
  });

  it('holds only trimmed, lowercase, non-empty concepts', () => {
    for (const concept of loadConcepts()) {
      expect(concept).toBe(concept.trim().toLowerCase());
      expect(concept.length).toBeGreaterThan(0);
    }
  });

  it('has the groups the product needs', () => {
    const names = loadConceptGroups().map((group) => group.name);
    for (const name of [
      'objects',
      'animals',
      'food',
      'scenes and places',
      'activities',
      'people',
      'weather',
      'time of day',
      'seasons',
      COLOUR_GROUP,
      'documents',
      'screenshots',
      'text',
      'vehicles',
      'plants',
      'indoor and outdoor',
    ]) {
      expect(names).toContain(name);
    }
    // Each header appears once: a split group would mean a misplaced header.
    expect(new Set(names).size).toBe(names.length);
  });

  it('has the basic colours and crimson/scarlet as synonyms of red', () => {
    const colours = loadConceptGroups().find((group) => group.name === COLOUR_GROUP)!.concepts;
    for (const colour of [
      'red',
      'green',
      'blue',
      'yellow',
      'orange',
      'purple',
      'pink',
      'white',
      'black',
      'gray',
      'brown',
      'crimson',
      'scarlet',
    ]) {
      expect(colours).toContain(colour);
    }
  });
});

describe('concept prompts', () => {
  it('uses "a photo of …" for things and "a photo in …" for colours', () => {
    expect(conceptPrompt('dog')).toBe('a photo of dog');
    expect(conceptPrompt('receipt')).toBe('a photo of receipt');
    expect(conceptPrompt('crimson')).toBe('a photo in crimson');
    expect(conceptPrompt('pastel colours')).toBe('a photo in pastel colours');
  });

  it('gives every concept a distinct prompt', () => {
    const prompts = loadConcepts().map(conceptPrompt);
    expect(new Set(prompts).size).toBe(prompts.length);
  });
});

describe('parsing', () => {
  it('groups concepts under the last header and skips blank lines', () => {
    const groups = parseConcepts('# preamble\n# fruit\napple\n\npear\n# colours\nred\n');
    expect(groups).toEqual([
      { name: 'fruit', concepts: ['apple', 'pear'] },
      { name: 'colours', concepts: ['red'] },
    ]);
  });

  it('rejects duplicates (naming both lines) and concepts without a header', () => {
    let message = '';
    try {
      parseConcepts('# a\nDog\n# b\ndog\n', 'concepts.txt');
    } catch (error) {
      message = String((error as Error).message);
    }
    expect(message).toContain('concepts.txt:4');
    expect(message).toContain('line 2');
    expect(thrownCode(() => parseConcepts('dog\n# animals\n'))).toBe('MODEL_INVALID');
  });
});
