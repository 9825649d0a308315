import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { putPhotoText, textOfLines } from '../../helpers/photo-text-rows.ts';
import { useTempStore } from '../../helpers/temp-store.ts';

// The index's look-up of photos whose text may hold a word one edit away (app/store/text-index.ts,
// photosWithTextNear): a superset the matcher then checks word by word, so what must hold is that no
// photo holding such a word is left out. Every single edit of a five- and a six-character word is
// written out here by hand (each position changed, dropped, and a character added before it), each in a
// photo of its own among photos that hold none.
const fixture = useTempStore();

/** Every text one edit from `word`: each character changed to `x`, dropped, and `x` added before each and at the end. */
function singleEdits(word: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < word.length; at++) {
    out.push(word.slice(0, at) + 'x' + word.slice(at + 1)); // changed
    out.push(word.slice(0, at) + word.slice(at + 1)); // dropped
    out.push(word.slice(0, at) + 'x' + word.slice(at)); // added before it
  }
  out.push(word + 'x');
  return out;
}

function withTexts(texts: string[]): Database.Database {
  const db = new Database(join(fixture.dir, 'index.sqlite'));
  texts.forEach((text, k) => putPhotoText(db, `hash-${k}`, textOfLines([`REF ${text} PAID`])));
  return db;
}

describe('photosWithTextNear: the photos whose text may hold a word one edit away', () => {
  for (const word of ['gst@6', 'walmart', '184810']) {
    it(`finds every single edit of "${word}", however placed, written in capitals`, () => {
      const edits = singleEdits(word);
      // The hand-made list: 3 edits per character and one at the end.
      expect(edits).toHaveLength(3 * word.length + 1);
      const db = withTexts([...edits.map((e) => e.toUpperCase()), 'NOTHING LIKE IT', 'ZZZZZ QQQQQ']);
      const found = new Set(fixture.store.photosWithTextNear(word).map((hit) => hit.contentHash));
      edits.forEach((edit, k) => expect(found.has(`hash-${k}`), `${word} → ${edit}`).toBe(true));
      expect(found.has(`hash-${edits.length}`)).toBe(false);
      expect(found.has(`hash-${edits.length + 1}`)).toBe(false);
      db.close();
    });
  }

  it("takes LIKE's own characters (%, _, \\) in a five-character word literally", () => {
    // "a%_de": A%XDE is its middle character changed (found by the pattern); AQQDE and A_QDE are two
    // edits away, which a % or _ read as a wildcard would let through.
    const db = withTexts(['A%XDE', 'AQQDE', 'A_QDE', 'A\\XDE']);
    expect(fixture.store.photosWithTextNear('a%_de').map((h) => h.contentHash)).toEqual(['hash-0']);
    // "a\\_de": only A\XDE (its middle changed) is near.
    expect(fixture.store.photosWithTextNear('a\\_de').map((h) => h.contentHash)).toEqual(['hash-3']);
    db.close();
  });

  it('looks up nothing for a word shorter than five characters', () => {
    const db = withTexts(['SALT']);
    expect(fixture.store.photosWithTextNear('sale')).toEqual([]);
    db.close();
  });
});
