/**
 * Reference data for the demo seed and the benchmarks: Almaty, its districts and streets, and
 * the name parts that demo people are made of. No I/O. Every person made from these parts is a
 * random combination, never a real person's data.
 */
import type { Language } from '../locales/languages.ts';

export interface Bilingual {
  kk: string;
  ru: string;
}

export interface DistrictSeed extends Bilingual {
  /** KATO code of the district. */
  code: string;
  /** Rough share of the city's children: applications are spread by it. */
  weight: number;
  streets: Bilingual[];
}

export const ALMATY = { kato: '750000000', kk: 'Алматы', ru: 'Алматы' } as const;

/** Almaty's eight districts, with a handful of real streets and micro-districts each. */
export const ALMATY_DISTRICTS: DistrictSeed[] = [
  {
    code: '751710000',
    kk: 'Алатау ауданы',
    ru: 'Алатауский район',
    weight: 14,
    streets: [
      { kk: 'Шаңырақ-2 ықшамауданы, Жанқожа батыр көшесі', ru: 'мкр. Шанырак-2, ул. Жанкожа батыра' },
      { kk: 'Саялы ықшамауданы', ru: 'мкр. Саялы' },
      { kk: 'Алғабас ықшамауданы', ru: 'мкр. Алгабас' },
      { kk: 'Ақбұлақ ықшамауданы', ru: 'мкр. Акбулак' },
      { kk: 'Райымбек даңғылы', ru: 'проспект Райымбека' },
      { kk: 'Бұхтарма көшесі', ru: 'ул. Бухтарминская' },
    ],
  },
  {
    code: '751110000',
    kk: 'Алмалы ауданы',
    ru: 'Алмалинский район',
    weight: 11,
    streets: [
      { kk: 'Абай даңғылы', ru: 'проспект Абая' },
      { kk: 'Төле би көшесі', ru: 'ул. Толе би' },
      { kk: 'Жібек жолы даңғылы', ru: 'проспект Жибек Жолы' },
      { kk: 'Сейфуллин даңғылы', ru: 'проспект Сейфуллина' },
      { kk: 'Байзақов көшесі', ru: 'ул. Байзакова' },
      { kk: 'Гоголь көшесі', ru: 'ул. Гоголя' },
    ],
  },
  {
    code: '751210000',
    kk: 'Әуезов ауданы',
    ru: 'Ауэзовский район',
    weight: 18,
    streets: [
      { kk: 'Момышұлы көшесі', ru: 'ул. Момышулы' },
      { kk: 'Жандосов көшесі', ru: 'ул. Жандосова' },
      { kk: 'Саин көшесі', ru: 'ул. Саина' },
      { kk: 'Шаляпин көшесі', ru: 'ул. Шаляпина' },
      { kk: 'Ақсай-2 ықшамауданы', ru: 'мкр. Аксай-2' },
      { kk: 'Мамыр-4 ықшамауданы', ru: 'мкр. Мамыр-4' },
    ],
  },
  {
    code: '751310000',
    kk: 'Бостандық ауданы',
    ru: 'Бостандыкский район',
    weight: 14,
    streets: [
      { kk: 'Әл-Фараби даңғылы', ru: 'проспект аль-Фараби' },
      { kk: 'Тимирязев көшесі', ru: 'ул. Тимирязева' },
      { kk: 'Сәтбаев көшесі', ru: 'ул. Сатпаева' },
      { kk: 'Розыбакиев көшесі', ru: 'ул. Розыбакиева' },
      { kk: 'Орбита-2 ықшамауданы', ru: 'мкр. Орбита-2' },
      { kk: 'Алмагүл ықшамауданы', ru: 'мкр. Алмагуль' },
    ],
  },
  {
    code: '751410000',
    kk: 'Жетісу ауданы',
    ru: 'Жетысуский район',
    weight: 10,
    streets: [
      { kk: 'Рысқұлов даңғылы', ru: 'проспект Рыскулова' },
      { kk: 'Айнабұлақ ықшамауданы', ru: 'мкр. Айнабулак' },
      { kk: 'Құлагер ықшамауданы', ru: 'мкр. Кулагер' },
      { kk: 'Жетісу-3 ықшамауданы', ru: 'мкр. Жетысу-3' },
      { kk: 'Серікқазы көшесі', ru: 'ул. Серикказы' },
    ],
  },
  {
    code: '751510000',
    kk: 'Медеу ауданы',
    ru: 'Медеуский район',
    weight: 8,
    streets: [
      { kk: 'Достық даңғылы', ru: 'проспект Достык' },
      { kk: 'Қабанбай батыр көшесі', ru: 'ул. Кабанбай батыра' },
      { kk: 'Бөгенбай батыр көшесі', ru: 'ул. Богенбай батыра' },
      { kk: 'Халиуллин көшесі', ru: 'ул. Халиуллина' },
      { kk: 'Самал-2 ықшамауданы', ru: 'мкр. Самал-2' },
    ],
  },
  {
    code: '751810000',
    kk: 'Наурызбай ауданы',
    ru: 'Наурызбайский район',
    weight: 12,
    streets: [
      { kk: 'Қалқаман ықшамауданы', ru: 'мкр. Калкаман' },
      { kk: 'Шұғыла ықшамауданы', ru: 'мкр. Шугыла' },
      { kk: 'Таусамалы ықшамауданы', ru: 'мкр. Таусамалы' },
      { kk: 'Ақжар ықшамауданы', ru: 'мкр. Акжар' },
      { kk: 'Әл-Фараби даңғылы', ru: 'проспект аль-Фараби' },
    ],
  },
  {
    code: '751610000',
    kk: 'Түрксіб ауданы',
    ru: 'Турксибский район',
    weight: 13,
    streets: [
      { kk: 'Сүйінбай даңғылы', ru: 'проспект Суюнбая' },
      { kk: 'Майлин көшесі', ru: 'ул. Майлина' },
      { kk: 'Жансүгіров көшесі', ru: 'ул. Жансугурова' },
      { kk: 'Бекмаханов көшесі', ru: 'ул. Бекмаханова' },
      { kk: 'Қазыбаев көшесі', ru: 'ул. Казыбаева' },
    ],
  },
];

/** Names of kindergartens, as families know them: «№ 45 "Айгөлек"». */
export const KINDERGARTEN_NAMES: string[] = [
  'Айгөлек', 'Балдырған', 'Болашақ', 'Ақбота', 'Қарлығаш', 'Күншуақ', 'Бөбек', 'Ертегі', 'Балапан',
  'Нұрбала', 'Шаттық', 'Айналайын', 'Құлыншақ', 'Ақниет', 'Мөлдір', 'Жұлдыз', 'Еркетай', 'Балауса',
  'Гүлдер', 'Қуаныш', 'Арай', 'Самал', 'Шұғыла', 'Бәйтерек', 'Ақжелкен', 'Інжу-маржан', 'Алтын бесік',
  'Теремок', 'Солнышко', 'Радуга', 'Колокольчик', 'Ромашка', 'Светлячок', 'Золотой ключик',
  'Сказка', 'Аленушка', 'Березка', 'Дельфин', 'Жемчужина', 'Улыбка', 'Пчелка', 'Карлыгаш',
];

/** Group names by age in years at the start of the school year, per language of instruction. */
export const GROUP_NAMES: Record<number, Bilingual> = {
  1: { kk: 'Нәрестелер тобы', ru: 'Группа раннего возраста' },
  2: { kk: 'Бөбекжай тобы', ru: 'Ясельная группа' },
  3: { kk: 'Кіші топ', ru: 'Младшая группа' },
  4: { kk: 'Ортаңғы топ', ru: 'Средняя группа' },
  5: { kk: 'Ересек топ', ru: 'Старшая группа' },
  6: { kk: 'Мектепалды тобы', ru: 'Предшкольная группа' },
};

export type Ethnicity = Language;

export interface Surname {
  m: string;
  f: string;
}

/** Male and female forms; -ұлы surnames take -қызы, -қали and Korean/Ukrainian ones do not change. */
export const SURNAMES: Record<Ethnicity, Surname[]> = {
  kk: [
    { m: 'Әбдірахманов', f: 'Әбдірахманова' },
    { m: 'Сейітқали', f: 'Сейітқали' },
    { m: 'Жұмабаев', f: 'Жұмабаева' },
    { m: 'Нұрланов', f: 'Нұрланова' },
    { m: 'Серікбаев', f: 'Серікбаева' },
    { m: 'Оспанов', f: 'Оспанова' },
    { m: 'Байжанов', f: 'Байжанова' },
    { m: 'Ахметов', f: 'Ахметова' },
    { m: 'Қасымов', f: 'Қасымова' },
    { m: 'Төлеуов', f: 'Төлеуова' },
    { m: 'Мұқанов', f: 'Мұқанова' },
    { m: 'Есенов', f: 'Есенова' },
    { m: 'Тоқтаров', f: 'Тоқтарова' },
    { m: 'Сәрсенбаев', f: 'Сәрсенбаева' },
    { m: 'Омаров', f: 'Омарова' },
    { m: 'Жақсылықов', f: 'Жақсылықова' },
    { m: 'Бекмұхамбетов', f: 'Бекмұхамбетова' },
    { m: 'Ермеков', f: 'Ермекова' },
    { m: 'Сұлтанбеков', f: 'Сұлтанбекова' },
    { m: 'Әлімжанов', f: 'Әлімжанова' },
    { m: 'Құдайбергенов', f: 'Құдайбергенова' },
    { m: 'Смағұлов', f: 'Смағұлова' },
    { m: 'Ысқақов', f: 'Ысқақова' },
    { m: 'Дәулетов', f: 'Дәулетова' },
    { m: 'Мұратұлы', f: 'Мұратқызы' },
    { m: 'Серікұлы', f: 'Серікқызы' },
    { m: 'Нұрғали', f: 'Нұрғали' },
    { m: 'Әбілқасымов', f: 'Әбілқасымова' },
    { m: 'Исин', f: 'Исина' },
    { m: 'Бекин', f: 'Бекина' },
  ],
  ru: [
    { m: 'Иванов', f: 'Иванова' },
    { m: 'Петров', f: 'Петрова' },
    { m: 'Смирнов', f: 'Смирнова' },
    { m: 'Кузнецов', f: 'Кузнецова' },
    { m: 'Попов', f: 'Попова' },
    { m: 'Соколов', f: 'Соколова' },
    { m: 'Лебедев', f: 'Лебедева' },
    { m: 'Новиков', f: 'Новикова' },
    { m: 'Морозов', f: 'Морозова' },
    { m: 'Волков', f: 'Волкова' },
    { m: 'Фёдоров', f: 'Фёдорова' },
    { m: 'Медведев', f: 'Медведева' },
    { m: 'Ильин', f: 'Ильина' },
    { m: 'Никитин', f: 'Никитина' },
    { m: 'Сорокин', f: 'Сорокина' },
    { m: 'Голубев', f: 'Голубева' },
    { m: 'Ким', f: 'Ким' },
    { m: 'Пак', f: 'Пак' },
    { m: 'Шевченко', f: 'Шевченко' },
    { m: 'Бондаренко', f: 'Бондаренко' },
  ],
};

export interface FirstNames {
  /** Parents' generation (born 1975–2000). */
  adultMale: string[];
  adultFemale: string[];
  /** Children's generation (born in the last seven years). */
  childMale: string[];
  childFemale: string[];
}

export const FIRST_NAMES: Record<Ethnicity, FirstNames> = {
  kk: {
    adultMale: [
      'Нұрлан', 'Ерлан', 'Асқар', 'Дәурен', 'Бауыржан', 'Ержан', 'Қайрат', 'Серік', 'Талғат', 'Арман',
      'Мұрат', 'Ғалым', 'Бекзат', 'Ерболат', 'Жандос', 'Ақжол', 'Әділет', 'Нұржан', 'Данияр', 'Ринат',
    ],
    adultFemale: [
      'Гүлнар', 'Айгүл', 'Динара', 'Әсел', 'Жанар', 'Сәуле', 'Мөлдір', 'Ақмарал', 'Гүлжан', 'Айжан',
      'Назерке', 'Салтанат', 'Мәдина', 'Жұлдыз', 'Ботагөз', 'Аида', 'Әйгерім', 'Гаухар', 'Лаура', 'Толқын',
    ],
    childMale: [
      'Алихан', 'Әмір', 'Омар', 'Нұрислам', 'Айсұлтан', 'Ерасыл', 'Мирас', 'Алдияр', 'Ансар', 'Тамерлан',
      'Айбек', 'Арсен', 'Санжар', 'Ибраһим', 'Жәнібек', 'Нұрасыл', 'Әлинұр', 'Ерназар', 'Темірлан', 'Алан',
    ],
    childFemale: [
      'Айару', 'Аяла', 'Томирис', 'Аружан', 'Жасмин', 'Айша', 'Медина', 'Іңкәр', 'Ақбота', 'Әмина',
      'Дильназ', 'Аяулым', 'Асылым', 'Хадиша', 'Айым', 'Сафия', 'Амира', 'Нұрай', 'Айлин', 'Зере',
    ],
  },
  ru: {
    adultMale: [
      'Александр', 'Дмитрий', 'Сергей', 'Андрей', 'Алексей', 'Максим', 'Иван', 'Михаил', 'Денис', 'Владимир',
      'Евгений', 'Роман', 'Николай', 'Павел', 'Виктор', 'Олег', 'Игорь', 'Константин',
    ],
    adultFemale: [
      'Анна', 'Елена', 'Ольга', 'Наталья', 'Ирина', 'Татьяна', 'Екатерина', 'Мария', 'Светлана', 'Юлия',
      'Анастасия', 'Оксана', 'Марина', 'Людмила', 'Вера', 'Ксения',
    ],
    childMale: [
      'Артём', 'Тимофей', 'Матвей', 'Лев', 'Марк', 'Михаил', 'Максим', 'Иван', 'Даниил', 'Фёдор',
      'Кирилл', 'Егор', 'Платон', 'Мирон', 'Арсений',
    ],
    childFemale: [
      'София', 'Алиса', 'Ева', 'Варвара', 'Милана', 'Анна', 'Мария', 'Вероника', 'Полина', 'Василиса',
      'Злата', 'Таисия', 'Ульяна', 'Арина', 'Дарья',
    ],
  },
};

export interface FatherName {
  name: string;
  /** Russian-style patronymic: -ович/-евич, -овна/-евна. */
  m: string;
  f: string;
}

/**
 * Fathers' names for patronymics. Kazakh style is the name + -ұлы/-қызы (Нұрланұлы,
 * Нұрланқызы); Russian style is listed, since it is irregular (Сергеевич, Ильич, Никитич).
 */
export const FATHER_NAMES: Record<Ethnicity, FatherName[]> = {
  kk: [
    { name: 'Нұрлан', m: 'Нурланович', f: 'Нурлановна' },
    { name: 'Ерлан', m: 'Ерланович', f: 'Ерлановна' },
    { name: 'Асқар', m: 'Аскарович', f: 'Аскаровна' },
    { name: 'Серік', m: 'Серикович', f: 'Сериковна' },
    { name: 'Қайрат', m: 'Кайратович', f: 'Кайратовна' },
    { name: 'Талғат', m: 'Талгатович', f: 'Талгатовна' },
    { name: 'Бауыржан', m: 'Бауржанович', f: 'Бауржановна' },
    { name: 'Мұрат', m: 'Муратович', f: 'Муратовна' },
    { name: 'Болат', m: 'Болатович', f: 'Болатовна' },
    { name: 'Марат', m: 'Маратович', f: 'Маратовна' },
    { name: 'Ержан', m: 'Ержанович', f: 'Ержановна' },
    { name: 'Сәкен', m: 'Сакенович', f: 'Сакеновна' },
    { name: 'Жанат', m: 'Жанатович', f: 'Жанатовна' },
    { name: 'Дәурен', m: 'Дауренович', f: 'Дауреновна' },
    { name: 'Арман', m: 'Арманович', f: 'Армановна' },
    { name: 'Ғалым', m: 'Галымович', f: 'Галымовна' },
  ],
  ru: [
    { name: 'Александр', m: 'Александрович', f: 'Александровна' },
    { name: 'Сергей', m: 'Сергеевич', f: 'Сергеевна' },
    { name: 'Дмитрий', m: 'Дмитриевич', f: 'Дмитриевна' },
    { name: 'Андрей', m: 'Андреевич', f: 'Андреевна' },
    { name: 'Алексей', m: 'Алексеевич', f: 'Алексеевна' },
    { name: 'Иван', m: 'Иванович', f: 'Ивановна' },
    { name: 'Михаил', m: 'Михайлович', f: 'Михайловна' },
    { name: 'Владимир', m: 'Владимирович', f: 'Владимировна' },
    { name: 'Николай', m: 'Николаевич', f: 'Николаевна' },
    { name: 'Евгений', m: 'Евгеньевич', f: 'Евгеньевна' },
    { name: 'Виктор', m: 'Викторович', f: 'Викторовна' },
    { name: 'Олег', m: 'Олегович', f: 'Олеговна' },
    { name: 'Павел', m: 'Павлович', f: 'Павловна' },
    { name: 'Илья', m: 'Ильич', f: 'Ильинична' },
    { name: 'Никита', m: 'Никитич', f: 'Никитична' },
  ],
};

/** Where parents work (appendix 5 asks for the mother's and the father's workplace). */
export const WORKPLACES: Bilingual[] = [
  { kk: '«Қазақтелеком» АҚ', ru: 'АО «Казахтелеком»' },
  { kk: 'Алматы қаласының білім басқармасы', ru: 'Управление образования г. Алматы' },
  { kk: '№ 7 қалалық емхана', ru: 'Городская поликлиника № 7' },
  { kk: '«Kaspi Bank» АҚ', ru: 'АО «Kaspi Bank»' },
  { kk: '№ 54 мектеп-гимназия', ru: 'Школа-гимназия № 54' },
  { kk: 'Жеке кәсіпкер', ru: 'Индивидуальный предприниматель' },
  { kk: '«ҚТЖ» ҰК АҚ', ru: 'АО НК «КТЖ»' },
  { kk: 'Әл-Фараби атындағы ҚазҰУ', ru: 'КазНУ им. аль-Фараби' },
  { kk: '«Алматы Су» ШЖҚ КМК', ru: 'ГКП на ПХВ «Алматы Су»' },
  { kk: '«Magnum Cash&Carry» ЖШС', ru: 'ТОО «Magnum Cash&Carry»' },
];

// ---------------------------------------------------------------------------------------------
// Pure helpers shared by the seed and the benchmarks.

/** mulberry32: a tiny seeded PRNG, so the same seed always gives the same demo data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick from an empty list');
  return items[Math.floor(random() * items.length)] as T;
}

/** An integer in [min, max]. */
export function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Index chosen with probability proportional to its weight. */
export function pickWeighted(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let x = random() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] ?? 0;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** `count` distinct items in random order (count ≤ items.length). */
export function sample<T>(random: Random, items: readonly T[], count: number): T[] {
  const copy = [...items];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}

/** A family: one surname and the father's name, so parents and children agree. */
export interface Family {
  ethnicity: Ethnicity;
  surname: Surname;
  father: FatherName;
  /** Kazakh families use -ұлы/-қызы patronymics more often than -ович/-овна nowadays. */
  kazakhPatronymic: boolean;
}

export function makeFamily(random: Random, ethnicity: Ethnicity): Family {
  return {
    ethnicity,
    surname: pick(random, SURNAMES[ethnicity]),
    father: pick(random, FATHER_NAMES[ethnicity]),
    kazakhPatronymic: ethnicity === 'kk' && random() < 0.7,
  };
}

export function patronymic(father: FatherName, sex: 'male' | 'female', kazakhStyle: boolean): string {
  if (kazakhStyle) return `${father.name}${sex === 'male' ? 'ұлы' : 'қызы'}`;
  return sex === 'male' ? father.m : father.f;
}

/** "Surname First Patronymic", as on Kazakhstan's documents. */
export function childName(random: Random, family: Family, sex: 'male' | 'female'): string {
  const names = FIRST_NAMES[family.ethnicity];
  const first = pick(random, sex === 'male' ? names.childMale : names.childFemale);
  const last = sex === 'male' ? family.surname.m : family.surname.f;
  return `${last} ${first} ${patronymic(family.father, sex, family.kazakhPatronymic)}`;
}

/**
 * The applicant: the father (his first name is the children's patronymic) or the mother (the
 * family surname in its female form, her own father's name as her patronymic).
 */
export function parentName(random: Random, family: Family, sex: 'male' | 'female'): string {
  const names = FIRST_NAMES[family.ethnicity];
  if (sex === 'male') {
    const grandfather = pick(random, FATHER_NAMES[family.ethnicity]);
    return `${family.surname.m} ${family.father.name} ${patronymic(grandfather, 'male', family.kazakhPatronymic)}`;
  }
  const mothersFather = pick(random, FATHER_NAMES[family.ethnicity]);
  return `${family.surname.f} ${pick(random, names.adultFemale)} ${patronymic(mothersFather, 'female', family.kazakhPatronymic)}`;
}

/** A home address on one of the district's streets, in the applicant's language. */
export function homeAddress(random: Random, district: DistrictSeed, language: Language): string {
  const street = pick(random, district.streets);
  const house = between(random, 1, 180);
  const flat = random() < 0.75 ? between(random, 1, 240) : null;
  return language === 'kk'
    ? `Алматы қ., ${street.kk}, ${house}-үй${flat ? `, ${flat}-пәтер` : ''}`
    : `г. Алматы, ${street.ru}, д. ${house}${flat ? `, кв. ${flat}` : ''}`;
}

/** A Kazakhstan mobile number in core/phone.ts's normal form (+7 and ten digits). */
export function mobilePhone(random: Random): string {
  const operator = pick(random, ['701', '702', '705', '707', '708', '747', '771', '775', '776', '777', '778']);
  return `+7${operator}${String(between(random, 0, 9_999_999)).padStart(7, '0')}`;
}
