import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectContradiction, type ConflictReason } from './contradiction-detector.js';
import { stem, statementWords } from './statement-words.js';

const flags = (existing: string, incoming: string, reason: ConflictReason) => {
  const verdict = detectContradiction(existing, incoming);
  expect(verdict, `${existing} / ${incoming}`).toMatchObject({ possibleConflict: true, reason });
  return verdict;
};
const passes = (existing: string, incoming: string) => {
  expect(detectContradiction(existing, incoming), `${existing} / ${incoming}`).toEqual({ possibleConflict: false });
};

describe('detectContradiction', () => {
  it('flags a negation flip, in either direction, with the negated words as evidence', () => {
    const verdict = flags('Nkechi speaks French.', "Nkechi doesn't speak French.", 'negation');
    expect(verdict.evidence).toEqual({ existing: 'speaks French', incoming: 'not speak French' });
    flags('The user is not a fan of jazz.', 'The user loves jazz.', 'negation');
    flags('The user drinks coffee every morning.', 'The user no longer drinks coffee.', 'negation');
    flags('Tomás can\u2019t swim.', 'Tomás swims twice a week.', 'negation');
  });

  it('treats verbs that end a state as negations: stopped, quit, gave up, left, sold, cancelled', () => {
    flags('Kwame plays football on Saturdays.', 'Kwame stopped playing football.', 'negation');
    flags('Diego smokes.', 'Diego quit smoking in January.', 'negation');
    flags('The user is learning Spanish.', 'The user gave up learning Spanish.', 'negation');
    flags('Marta works at Google.', 'Marta left Google.', 'negation');
    flags('Jonas owns a house in Hamburg.', 'Jonas sold his house in Hamburg.', 'negation');
    flags('The meeting with the bank is at 3 pm.', 'The meeting with the bank was cancelled.', 'negation');
  });

  it('ends a negation at the end of its clause or sentence', () => {
    passes('Amara eats fish.', 'Amara quit her job. She eats fish on Fridays.');
    passes('Amara eats fish.', 'The dinner was cancelled. Amara eats fish.');
    flags('Amara eats fish.', 'Amara no longer eats fish. She eats tofu now.', 'negation');
  });

  it('does not flag two negations of the same thing, nor a negation of something else', () => {
    passes('Tomás does not drink alcohol.', 'Tomás never drinks alcohol.');
    passes('Diego quit smoking in January.', 'Diego has not smoked since January.');
    passes('Nadia is single.', 'Nadia is single and not looking for a relationship.');
    passes('The user is not a fan of jazz.', 'The user is not a fan of opera either.');
  });

  it('does not read a wish or a plan as a fact', () => {
    passes('The user has never been to Japan.', 'The user wants to visit Japan next year.');
    passes('Oluwaseun lives in Abuja.', 'Oluwaseun plans to move to London.');
  });

  it('flags opposite states and opposite feelings about the same thing', () => {
    flags('Hiroshi is vegetarian.', 'Hiroshi eats meat now.', 'opposite-state');
    flags('Nadia is single.', 'Nadia got engaged to Omar.', 'opposite-state');
    flags('Ahmed loves spicy food.', 'Ahmed hates spicy food.', 'opposite-state');
    flags('Zanele enjoys running marathons.', 'Zanele dislikes running.', 'opposite-state');
    passes('Isabela hates cold weather.', "Isabela can't stand cold weather.");
    passes('Chiara likes cats.', 'Chiara hates traffic.');
  });

  it('flags a different home, origin or employer after the same kind of cue', () => {
    expect(flags('Amara lives in Lagos.', 'Amara moved to Nairobi last spring.', 'different-place').evidence).toEqual({ existing: 'Lagos', incoming: 'Nairobi' });
    flags('Aroha is from Auckland.', 'Aroha is from Wellington.', 'different-place');
    flags('Bich Ngoc lives in Hanoi.', 'Bich Ngoc lives in Ho Chi Minh City.', 'different-place');
    flags('Marta works at Google.', 'Marta joined Amazon in June.', 'different-object');
  });

  it('does not flag a fuller name of the same place, a trip, or where someone grew up against where they live', () => {
    passes('Amara lives in Lagos.', 'Amara lives in Lagos, in the Ikeja district.');
    passes('Bich Ngoc lives in Hanoi.', "Bich Ngoc lives in Hanoi's Old Quarter.");
    passes('Oluwaseun lives in Abuja.', 'Oluwaseun is flying to Accra next week for a conference.');
    passes('Ingrid grew up in Bergen.', 'Ingrid lives in Oslo.');
  });

  it('flags different numbers in the same frame', () => {
    expect(flags('Priya is 34 years old.', 'Priya is 35 years old.', 'different-number').evidence).toEqual({ existing: '34', incoming: '35' });
    flags('Priya has two daughters.', 'Priya has three daughters.', 'different-number');
    flags("Sofia's birthday is on March 12.", "Sofia's birthday is on March 21.", 'different-number');
    flags('Carlos runs 5 km every morning.', 'Carlos runs 10 km every morning.', 'different-number');
  });

  it('does not flag the same number written differently, nor numbers of different things', () => {
    passes('Kenji has 2 children.', 'Kenji has two kids.');
    passes("Emeka's salary is 80,000 dollars.", 'Emeka earns 80000 dollars a year.');
    passes('Hamid weighs 82 kg.', 'Hamid is 1.80 m tall.');
    passes("Emeka's salary is 80,000 dollars.", 'Emeka got a bonus of 5,000 dollars.');
  });

  it('flags a different value in a one-valued slot', () => {
    expect(flags("Mei's favourite colour is blue.", "Mei's favourite colour is green.", 'different-object').evidence).toEqual({ existing: 'blue', incoming: 'green' });
    flags("Yuki's dog is called Mochi.", "Yuki's dog is called Kuro.", 'different-object');
    flags('The user drives a Toyota Corolla.', 'The user drives a Tesla Model 3 now.', 'different-object');
    flags('Chen is a teacher.', 'Chen is a software developer.', 'different-object');
    flags("Gabriel's office is in Building C.", "Gabriel's office is in Building F.", 'different-object');
  });

  it('does not flag another value of a many-valued predicate, or one added with "too"', () => {
    passes('Mei likes jazz.', 'Mei likes hiking on weekends.');
    passes('Adebayo plays the guitar.', 'Adebayo plays the piano.');
    passes('The user likes green tea.', 'The user likes coffee too.');
    passes('Nkechi speaks French.', 'Nkechi speaks Portuguese as well.');
    passes('Jonas owns a house in Hamburg.', 'Jonas owns a house in Munich.');
  });

  it('does not flag refinements that only add detail', () => {
    passes('Chen is a teacher.', 'Chen is a maths teacher at a secondary school.');
    passes("Thabo's car is red.", "Thabo's car is a red Volkswagen Polo.");
    passes('Arjun is a nurse.', 'Arjun is a night-shift nurse.');
    passes('Hiroshi is vegetarian.', 'Hiroshi has been vegetarian since 2019.');
  });

  it('never flags a restatement', () => {
    passes('Kwame plays football on Saturdays.', 'On Saturdays, Kwame plays football.');
    passes('The user likes horror movies.', 'The user really likes horror movies.');
    passes('Mateo lives in Madrid.', 'Mateo still lives in Madrid.');
    passes("The user's favourite food is sushi.", "The user's favorite food is sushi.");
  });

  it('does not compare statements about different people or things', () => {
    passes("Mateo's sister lives in Lima.", 'Mateo lives in Madrid.');
    passes("Keiko's son is allergic to eggs.", 'Keiko is not allergic to eggs.');
    passes("The user's daughter is called Amelia.", "The user's son is called Noah.");
    passes('Amara lives in Lagos.', 'Kemi lives in Accra.');
    passes("Tunde's sister Aisha lives in Lagos.", 'Kemi moved to Nairobi.');
  });

  it('takes a name after the thing owned as the subject too ("Tunde\'s sister Aisha" is Aisha)', () => {
    expect(detectContradiction("Tunde's sister Aisha lives in Lagos", 'Aisha moved to Nairobi in January for her new post')).toMatchObject({ possibleConflict: true, reason: 'different-place' });
    expect(detectContradiction('Aisha lives in Lagos', "Tunde's sister Aisha moved to Nairobi")).toMatchObject({ possibleConflict: true, reason: 'different-place' });
    passes("Tunde's sister Aisha lives in Lagos.", "Tunde's brother Femi moved to Nairobi.");
  });

  it('gives the same answer whichever statement is the new one', () => {
    const pairs: [string, string][] = [
      ['Amara lives in Lagos.', 'Amara moved to Nairobi.'],
      ['Nkechi speaks French.', "Nkechi doesn't speak French."],
      ['Priya is 34 years old.', 'Priya is 35 years old.'],
      ['Chen is a teacher.', 'Chen is a maths teacher at a secondary school.'],
      ['The user likes green tea.', 'The user likes coffee too.'],
    ];
    for (const [x, y] of pairs) {
      const [forward, backward] = [detectContradiction(x, y), detectContradiction(y, x)];
      expect(backward.possibleConflict).toBe(forward.possibleConflict);
      expect(backward.reason).toBe(forward.reason);
      expect(backward.evidence).toEqual(forward.evidence && { existing: forward.evidence.incoming, incoming: forward.evidence.existing });
    }
  });

  it('answers no conflict for empty or wordless text', () => {
    passes('', 'Amara lives in Lagos.');
    passes('...', '!!!');
  });
});

describe('statementWords', () => {
  it('expands contractions, splits possessives, marks names and numbers', () => {
    const words = statementWords("Mei's dog doesn't live in Cape Town, she has two.");
    expect(words.map((word) => word.stem)).toEqual(['mei', "'s", 'dog', 'do', 'not', 'liv', 'in', 'cap', 'town', 'she', 'have', '2']);
    expect(words.filter((word) => word.name).map((word) => word.raw)).toEqual(['Cape', 'Town']);
    expect(words.find((word) => word.raw === 'Town')?.clauseEnd).toBe(true);
    expect(words.at(-1)?.number).toBe(true);
  });

  it('gives the inflections of a verb one stem', () => {
    expect(new Set(['plays', 'playing', 'played', 'play'].map(stem))).toEqual(new Set(['play']));
    expect(new Set(['smokes', 'smoking', 'smoked', 'smoke'].map(stem))).toEqual(new Set(['smok']));
    expect(new Set(['stopped', 'stops', 'stop'].map(stem))).toEqual(new Set(['stop']));
  });
});

interface LabelledPair {
  id: unknown;
  split: unknown;
  existing: unknown;
  incoming: unknown;
  conflict: unknown;
  category: unknown;
  note?: unknown;
}

describe('the labelled contradiction pairs (bench/truth)', () => {
  const file = fileURLToPath(new URL('../../../bench/truth/contradiction-pairs.jsonl', import.meta.url));
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
  const pairs = lines.map((line) => JSON.parse(line) as LabelledPair);

  it('holds at least 200 well-formed pairs with unique ids', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(200);
    expect(new Set(pairs.map((pair) => pair.id)).size).toBe(pairs.length);
    const categories = new Set(['negation', 'antonym', 'place', 'number', 'object', 'restatement', 'refinement', 'compatible', 'unrelated']);
    for (const pair of pairs) {
      expect(Object.keys(pair).filter((key) => !['id', 'split', 'existing', 'incoming', 'conflict', 'category', 'note'].includes(key)), String(pair.id)).toEqual([]);
      expect(typeof pair.id === 'string' && pair.id.length > 0).toBe(true);
      expect(['dev', 'test']).toContain(pair.split);
      expect(typeof pair.existing === 'string' && pair.existing.trim().length > 0).toBe(true);
      expect(typeof pair.incoming === 'string' && pair.incoming.trim().length > 0).toBe(true);
      expect(pair.existing).not.toBe(pair.incoming);
      expect(typeof pair.conflict).toBe('boolean');
      expect(categories, String(pair.id)).toContain(pair.category);
      if (pair.note !== undefined) expect(typeof pair.note).toBe('string');
    }
  });

  it('has both splits, at least 60 held-out pairs, and conflicts and non-conflicts in each', () => {
    for (const split of ['dev', 'test']) {
      const subset = pairs.filter((pair) => pair.split === split);
      expect(subset.length).toBeGreaterThanOrEqual(split === 'test' ? 60 : 100);
      const positives = subset.filter((pair) => pair.conflict === true).length;
      expect(positives).toBeGreaterThan(0);
      expect(positives).toBeLessThan(subset.length);
    }
    // Labels agree with categories: the categories that name a kind of conflict are conflicts, the others are not.
    const conflicting = new Set(['negation', 'antonym', 'place', 'number', 'object']);
    for (const pair of pairs) expect(pair.conflict, String(pair.id)).toBe(conflicting.has(pair.category as string));
  });
});
