// Deterministic test material for the near-duplicate merge rule: a list of distinct facts (each
// states something no other one does) built mostly from pairs that differ in a single negation,
// number, name, date, word or word order, the hard cases for a vector-only rule; and a list of
// restatements of some of them (a filler or article added, a contraction, a fronted time phrase,
// case and punctuation) that say exactly what their original says.

import { mulberry32 } from '../store/corpus.js';

export interface Fact {
  text: string;
  /** What made it hard: the slot its nearest sibling differs in. */
  family: string;
}

export interface Restatement {
  original: string;
  restatement: string;
  how: string;
}

const PEOPLE = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia', 'Peggy', 'Rupert', 'Sybil', 'Trent', 'Victor', 'Walter', 'Yasmin'];
const ALLERGENS = ['peanuts', 'shellfish', 'gluten', 'dairy', 'eggs', 'soy', 'sesame', 'strawberries', 'penicillin', 'cats'];
const CITIES = ['Paris', 'Berlin', 'Lisbon', 'Madrid', 'Rome', 'Vienna', 'Prague', 'Oslo', 'Dublin', 'Leeds', 'Porto', 'Lyon'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const DRINKS = ['tea', 'coffee', 'cocoa', 'juice', 'water', 'lemonade'];
const COLOURS = ['red', 'blue', 'green', 'black', 'white', 'silver'];
const VEHICLES = ['hatchback', 'van', 'pickup', 'scooter', 'motorbike'];
const INSTRUMENTS = ['cello', 'violin', 'piano', 'guitar', 'flute', 'drums'];
const LANGUAGES = ['Spanish', 'German', 'Japanese', 'Italian', 'Polish', 'Greek'];
const SPORTS = ['tennis', 'squash', 'badminton', 'chess', 'golf'];

type Pick = <T>(items: readonly T[]) => T;

/**
 * Families of sentences; each call returns two to four statements that differ in one slot (so that
 * each is a near-duplicate of the others, yet none says what another says), plus a restatement of
 * the first one when the family has a natural one.
 */
const FAMILIES: Record<string, (pick: Pick, int: (from: number, to: number) => number) => { texts: string[]; restate?: [string, string] }> = {
  negation: (pick) => {
    const [who, what] = [pick(PEOPLE), pick(ALLERGENS)];
    return { texts: [`${who} is allergic to ${what}`, `${who} is not allergic to ${what}`], restate: [`${who} is not allergic to ${what}`, `${who} isn't allergic to ${what}.`] };
  },
  'negation (never)': (pick) => {
    const [who, sport, day] = [pick(PEOPLE), pick(SPORTS), pick(WEEKDAYS)];
    return { texts: [`${who} plays ${sport} on ${day}s`, `${who} never plays ${sport} on ${day}s`], restate: [`${who} plays ${sport} on ${day}s`, `On ${day}s, ${who} plays ${sport}`] };
  },
  'number (PIN)': (pick, int) => {
    const who = pick(PEOPLE);
    const texts = [0, 1, 2].map(() => `${who}'s door PIN is ${int(1000, 9999)}`);
    return { texts, restate: [texts[0]!, texts[0]!.replace(' is ', ' is really ')] };
  },
  'number (age)': (pick, int) => {
    const [who, age] = [pick(PEOPLE), int(18, 80)];
    return { texts: [`${who} is ${age} years old`, `${who} is ${age + 1} years old`], restate: [`${who} is ${age} years old`, `${who.toLowerCase()} is ${age} years old!`] };
  },
  'number (time)': (pick, int) => {
    const [who, hour] = [pick(PEOPLE), int(6, 20)];
    return { texts: [`${who}'s flight leaves at ${hour}:15`, `${who}'s flight leaves at ${hour}:45`], restate: [`${who}'s flight leaves at ${hour}:15`, `${who}'s flight actually leaves at ${hour}:15`] };
  },
  'number (money)': (pick, int) => {
    const [a, b, amount] = [pick(PEOPLE), pick(PEOPLE), int(2, 90) * 10];
    return a === b ? { texts: [] } : { texts: [`${a} owes ${b} ${amount} euros`, `${a} owes ${b} ${amount + 5} euros`, `${b} owes ${a} ${amount} euros`] };
  },
  'name (manager)': (pick) => {
    const [who, m1, m2] = [pick(PEOPLE), pick(PEOPLE), pick(PEOPLE)];
    return new Set([who, m1, m2]).size < 3 ? { texts: [] } : { texts: [`${who}'s manager is ${m1}`, `${who}'s manager is ${m2}`, `${m1}'s manager is ${who}`], restate: [`${who}'s manager is ${m1}`, `${who}'s manager is also ${m1}`] };
  },
  'name (married)': (pick) => {
    const [who, p1, p2] = [pick(PEOPLE), pick(PEOPLE), pick(PEOPLE)];
    return new Set([who, p1, p2]).size < 3 ? { texts: [] } : { texts: [`${who} is married to ${p1}`, `${who} is married to ${p2}`] };
  },
  'date (appointment)': (pick, int) => {
    const [who, day, month] = [pick(PEOPLE), int(1, 27), pick(MONTHS)];
    return { texts: [`${who} has a dentist appointment on ${day} ${month}`, `${who} has a dentist appointment on ${day + 1} ${month}`], restate: [`${who} has a dentist appointment on ${day} ${month}`, `On ${day} ${month} ${who} has a dentist appointment`] };
  },
  'date (birthday)': (pick, int) => {
    const [who, day] = [pick(PEOPLE), int(1, 28)];
    const [m1, m2] = [pick(MONTHS), pick(MONTHS)];
    return m1 === m2 ? { texts: [] } : { texts: [`${who}'s birthday is on ${day} ${m1}`, `${who}'s birthday is on ${day} ${m2}`], restate: [`${who}'s birthday is on ${day} ${m1}`, `${who}'s birthday is on the ${day} ${m1}`] };
  },
  'date (weekday)': (pick) => {
    const [who, d1, d2] = [pick(PEOPLE), pick(WEEKDAYS), pick(WEEKDAYS)];
    return d1 === d2 ? { texts: [] } : { texts: [`${who} goes swimming every ${d1}`, `${who} goes swimming every ${d2}`], restate: [`${who} goes swimming every ${d1}`, `Every ${d1}, ${who} goes swimming`] };
  },
  'date (year)': (pick, int) => {
    const [who, city, year] = [pick(PEOPLE), pick(CITIES), int(1995, 2023)];
    return { texts: [`${who} moved to ${city} in ${year}`, `${who} moved to ${city} in ${year + 1}`], restate: [`${who} moved to ${city} in ${year}`, `In ${year}, ${who} moved to ${city}`] };
  },
  'word (verb)': (pick) => {
    const [who, city] = [pick(PEOPLE), pick(CITIES)];
    return { texts: [`${who} lives in ${city}`, `${who} works in ${city}`, `${who} studied in ${city}`], restate: [`${who} lives in ${city}`, `${who} really lives in ${city}`] };
  },
  'word (object)': (pick) => {
    const [who, colour, vehicle] = [pick(PEOPLE), pick(COLOURS), pick(VEHICLES)];
    const other = COLOURS[(COLOURS.indexOf(colour) + 1) % COLOURS.length]!;
    return { texts: [`${who} drives a ${colour} ${vehicle}`, `${who} drives a ${other} ${vehicle}`], restate: [`${who} drives a ${colour} ${vehicle}`, `${who} drives ${colour} ${vehicle}`] };
  },
  'word (language)': (pick) => {
    const [who, language] = [pick(PEOPLE), pick(LANGUAGES)];
    return { texts: [`${who} speaks ${language}`, `${who} teaches ${language}`, `${who} is learning ${language}`] };
  },
  'word (instrument)': (pick) => {
    const [who, a, b] = [pick(PEOPLE), pick(INSTRUMENTS), pick(INSTRUMENTS)];
    return a === b ? { texts: [] } : { texts: [`${who} plays the ${a}`, `${who} plays the ${b}`], restate: [`${who} plays the ${a}`, `${who} plays ${a}`] };
  },
  'order (preference)': (pick) => {
    const [who, a, b] = [pick(PEOPLE), pick(DRINKS), pick(DRINKS)];
    return a === b ? { texts: [] } : { texts: [`${who} prefers ${a} over ${b}`, `${who} prefers ${b} over ${a}`], restate: [`${who} prefers ${a} over ${b}`, `${who} definitely prefers ${a} over ${b}`] };
  },
  'order (roles)': (pick) => {
    const [a, b] = [pick(PEOPLE), pick(PEOPLE)];
    return a === b ? { texts: [] } : { texts: [`${a} taught ${b} to ski`, `${b} taught ${a} to ski`] };
  },
};

/** Statements with nothing in common with the families, so that the list is not all hard pairs. */
const VARIED = [
  'The quarterly tax report is due in April',
  'The spare key is under the blue flowerpot',
  'The office wifi password changes every quarter',
  'The team stand-up starts at half past nine',
  'The garden needs watering twice a week in summer',
  'The printer on the second floor jams with thick paper',
  'The cat is fed at seven in the morning',
  'The boiler was serviced last autumn',
  'The library closes early on public holidays',
  'The project deadline moved to the end of the month',
  'The kitchen tap drips when it is turned halfway',
  'The neighbours have a loud dog called Pepper',
  'The car insurance renews in the autumn',
  'The recycling is collected on alternate weeks',
  'The bakery on the corner sells rye bread on weekends',
  'The gym membership includes two guest passes a month',
  'The laptop charger is kept in the top drawer',
  'The children walk to school when it is dry',
  'The book club meets on the first Thursday of the month',
  'The bike has a slow puncture in the rear tyre',
];

/** `count` distinct facts and the restatements of some of them, the same for every run of `seed`. */
export function buildFacts(count = 1000, seed = 13): { facts: Fact[]; restatements: Restatement[] } {
  const next = mulberry32(seed);
  const pick: Pick = (items) => items[Math.floor(next() * items.length)]!;
  const int = (from: number, to: number) => from + Math.floor(next() * (to - from + 1));
  const seen = new Set<string>();
  const facts: Fact[] = [];
  const restatements: Restatement[] = [];
  const add = (text: string, family: string) => {
    if (seen.has(text) || facts.length >= count) return false;
    seen.add(text);
    facts.push({ text, family });
    return true;
  };
  for (const text of VARIED) add(text, 'varied');
  const names = Object.keys(FAMILIES);
  for (let attempt = 0; facts.length < count && attempt < count * 50; attempt++) {
    const family = names[attempt % names.length]!;
    const { texts, restate } = FAMILIES[family]!(pick, int);
    // A group goes in whole or not at all, so that every group is a set of near-duplicates.
    if (texts.length === 0 || texts.some((text) => seen.has(text)) || facts.length + texts.length > count) continue;
    for (const text of texts) add(text, family);
    if (restate && restatements.length < 200) restatements.push({ original: restate[0], restatement: restate[1], how: family });
  }
  if (facts.length < count) throw new Error(`only ${facts.length} distinct facts could be generated`);
  return { facts, restatements };
}

/** A seeded shuffle (Fisher–Yates), so that a group's members are sometimes far apart in the write order. */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const next = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
