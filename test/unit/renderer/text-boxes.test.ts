import { describe, expect, it } from 'vitest';
import type { RecognisedText, TextQuad } from '../../../app/contract/photo-text.ts';
import { withTerm } from '../../../renderer/src/lib/query-edit.ts';
import { boxOf, plainText, textBoxes } from '../../../renderer/src/lib/text-boxes.ts';

// Closed forms: a 100 × 20 box turned 30° about its top-left corner has its top edge at 30° and keeps
// its length and height.
const turned = (degrees: number): TextQuad => {
  const r = (degrees * Math.PI) / 180;
  const at = (x: number, y: number) => ({
    x: 10 + x * Math.cos(r) - y * Math.sin(r),
    y: 50 + x * Math.sin(r) + y * Math.cos(r),
  });
  return [at(0, 0), at(100, 0), at(100, 20), at(0, 20)];
};

describe('text boxes over a photo', () => {
  it('gives a quad its baseline start, length, height and angle', () => {
    const box = boxOf('WALMART', turned(30));
    expect(box.width).toBeCloseTo(100, 9);
    expect(box.height).toBeCloseTo(20, 9);
    expect(box.angle).toBeCloseTo(30, 9);
    expect(box.x).toBeCloseTo(10 - 20 * Math.sin(Math.PI / 6), 9);
    expect(box.y).toBeCloseTo(50 + 20 * Math.cos(Math.PI / 6), 9);
  });

  it('highlights the words the search matched, folded like the engine, and copies lines as lines', () => {
    const quad = turned(0);
    const text: RecognisedText = {
      reader: 'test/1',
      width: 200,
      height: 100,
      lines: [
        {
          text: 'Café Crème',
          confidence: 1,
          quad,
          words: [
            { text: 'Café', confidence: 1, quad },
            { text: 'Crème', confidence: 1, quad },
          ],
        },
        {
          text: 'TOTAL 12.50',
          confidence: 1,
          quad,
          words: [
            { text: 'TOTAL', confidence: 1, quad },
            { text: '12.50', confidence: 1, quad },
          ],
        },
      ],
    };
    const { lines, highlights } = textBoxes(text, ['CREME', '12.50']);
    expect(lines.map((l) => l.text)).toEqual(['Café Crème', 'TOTAL 12.50']);
    expect(highlights.map((h) => h.text)).toEqual(['Crème', '12.50']);
    expect(plainText(text)).toBe('Café Crème\nTOTAL 12.50');
  });

  it('adds a text: term from the explanation, replacing the same one', () => {
    expect(withTerm('receipt text:walmart', 'text:walmart', '-')).toBe('receipt -text:walmart');
    expect(withTerm('receipt', 'text:walmart', '+')).toBe('receipt +text:walmart');
  });
});
