/**
 * Queries in many scripts for the Gemma tokenizer parity test (issue 22 part 5): at least 50 strings in
 * Latin with accents, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai, Chinese, Japanese, Korean and
 * emoji, with mixed scripts, odd spacing, upper case and texts longer than the 64-token context.
 */
export const MULTILINGUAL_TEXTS: Record<string, readonly string[]> = {
  latin: [
    'un chien sur la plage au coucher du soleil',
    'Ein Hund im Schnee',
    'café crème à Montréal',
    'niños jugando en el parque',
    'Łódź w zimie, śnieg i mróz',
    'São Paulo à noite',
    'Ærøskøbing havn',
    'İstanbul’da çay bahçesi',
  ],
  cyrillic: ['кошка спит на диване', 'Москва зимой', 'Київ навесні', 'СОБАКА НА ПЛЯЖЕ', 'ёлка и подарки'],
  greek: ['Ο ήλιος δύει πάνω από τη θάλασσα', 'ΑΘΗΝΑ ΤΗ ΝΥΧΤΑ', 'γάτα σε σκάλες', 'Ἀθῆναι'],
  arabic: ['كلب على الشاطئ', 'قطة نائمة على الأريكة', 'غروب الشمس في الصحراء', 'مَدِينَة', 'سيارة حمراء 2024'],
  hebrew: ['חתול ישן על הספה', 'ירושלים בלילה', 'ילדים בחוף הים', 'שָׁלוֹם'],
  devanagari: ['समुद्र तट पर बच्चे', 'ताज महल सूर्यास्त में', 'लाल कार', 'नमस्ते दुनिया'],
  thai: ['แมวนอนบนโซฟา', 'ทะเลตอนพระอาทิตย์ตก', 'วัดพระแก้ว'],
  chinese: ['一只狗在草地上奔跑', '海边的狗', '北京的冬天下雪了', '紅色的汽車', '生日蛋糕和蠟燭'],
  japanese: ['海辺の犬', '東京の夜景', 'さくらの木の下で', 'ラーメンとギョーザ', 'ねこがソファで寝ている'],
  korean: ['서울의 밤거리', '해변의 개', '눈 덮인 산', '생일 케이크'],
  emoji: ['🐕 on the beach 🏖️', '🎂🎉', '👨‍👩‍👧‍👦 family photo', 'sunset 🌅 over the sea', '🇫🇷 drapeau'],
  mixed: [
    'Tokyo 東京 at night',
    'مرحبا hello שלום',
    '  spaces   and\ttabs  ',
    'UPPER lower MiXeD',
    'a, b; c! d? (e) "f"',
    '',
    'x',
    'ÉCOLE ÉTÉ',
  ],
  long: [
    'une très longue description d’une photo de vacances avec des enfants qui jouent sur la plage, des parasols rouges et bleus, des bateaux au loin, un chien qui court après une balle, des mouettes dans le ciel, un château de sable à moitié détruit par les vagues et une glace qui fond au soleil',
    '長い説明文: 夏休みの海辺で子供たちが砂の城を作り、犬がボールを追いかけ、遠くには白い船が浮かび、空にはカモメが飛び、パラソルの下で家族が昼寝をしている写真で、夕方には空がオレンジ色に染まっていく様子も写っている',
  ],
};

export const ALL_MULTILINGUAL_TEXTS: readonly string[] = Object.values(MULTILINGUAL_TEXTS).flat();
