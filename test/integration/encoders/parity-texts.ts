/**
 * 200 query texts for the text-tower parity test: ordinary captions, long texts that must be cut to
 * 77 tokens, non-Latin scripts, emoji and near-empty strings. Built by rules, the same on every run.
 */
const CAPTIONS = [
  'a photo of a dog',
  'kids on a beach at sunset',
  'a receipt',
  'red top left, blue bottom right',
  'snow mountain',
  'a cat sleeping on a sofa',
  'city lights at night',
  'a bowl of ramen',
  'an old man reading a newspaper',
  'two horses in a field',
];
const NON_LATIN = [
  '一只狗在草地上奔跑',
  '東京の夜景',
  '서울의 밤거리',
  'кошка спит на диване',
  'Ο ήλιος δύει πάνω από τη θάλασσα',
  'قطة نائمة على الأريكة',
  'חתול ישן על הספה',
  'समुद्र तट पर बच्चे',
  'แมวนอนบนโซฟา',
  'ბავშვები სანაპიროზე',
  'Ἀθῆναι',
  'ꯃꯅꯤꯄꯨꯔ',
  'ᐃᓄᒃᑎᑐᑦ',
  'አዲስ አበባ',
  'ಬೆಂಗಳೂರು ನಗರ',
  'தமிழ் நாடு',
  'Việt Nam phở bò',
  'Ελλάδα και Κύπρος',
  'Ð ß ø å é ñ ü',
  'ℝ ∑ ∫ √ π',
];
const EMOJI = [
  '🐶',
  '🐱‍👤',
  '👨‍👩‍👧‍👦 at the beach 🏖️',
  '🌅🌄🌇',
  'pizza 🍕 party 🎉',
  '🇯🇵 flag',
  '❤️‍🔥',
  '🧑🏽‍🚀 astronaut',
  '🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃🙂🙃',
  'cat 🐈 vs dog 🐕',
];
const EMPTYISH = [
  '',
  ' ',
  '\t\n',
  '.',
  '!!!',
  '-',
  '""',
  '   a   ',
  '\u00a0',
  '\u200b',
  '?',
  '...',
  '#',
  '<|endoftext|>',
  '<|startoftext|>',
];
const WORDS = [
  'mountain',
  'river',
  'sunset',
  'portrait',
  'children',
  'playing',
  'beach',
  'umbrella',
  'market',
  'street',
  'bicycle',
  'lantern',
  'forest',
  'winter',
];

function longText(i: number): string {
  const count = 60 + ((i * 37) % 240);
  return Array.from({ length: count }, (_, k) => WORDS[(i + k * 5) % WORDS.length]).join(k0(i));
}
const k0 = (i: number): string => (i % 3 === 0 ? ' ' : i % 3 === 1 ? ', ' : ' and ');

export function parityTexts(): string[] {
  const texts: string[] = [];
  for (let i = 0; i < 50; i++)
    texts.push(
      i < CAPTIONS.length
        ? (CAPTIONS[i] as string)
        : `${CAPTIONS[i % CAPTIONS.length]} with ${WORDS[i % WORDS.length]}`,
    );
  for (let i = 0; i < 40; i++) texts.push(longText(i));
  for (let i = 0; i < 60; i++)
    texts.push(
      i < NON_LATIN.length
        ? (NON_LATIN[i] as string)
        : `${NON_LATIN[i % NON_LATIN.length]} ${NON_LATIN[(i * 7) % NON_LATIN.length]}`,
    );
  for (let i = 0; i < 30; i++)
    texts.push(i < EMOJI.length ? (EMOJI[i] as string) : `${EMOJI[i % EMOJI.length]} ${CAPTIONS[i % CAPTIONS.length]}`);
  for (let i = 0; i < 20; i++) texts.push(EMPTYISH[i % EMPTYISH.length] + (i >= EMPTYISH.length ? ' ' : ''));
  return texts;
}
