import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentWords, FILLER_WORDS, FRONTING_WORDS, MAX_FRONTED_WORDS, sameStatement } from './same-statement.js';

const differ = (a: string, b: string) => {
  expect(sameStatement(a, b)).toBe(false);
  expect(sameStatement(b, a)).toBe(false);
};
const same = (a: string, b: string) => {
  expect(sameStatement(a, b)).toBe(true);
  expect(sameStatement(b, a)).toBe(true);
};

describe('sameStatement: what keeps two writes apart', () => {
  it('a negation added, removed or swapped', () => {
    differ('The user is allergic to peanuts', 'The user is not allergic to peanuts');
    differ('The user is allergic to peanuts', "The user isn't allergic to peanuts");
    differ('Bob plays tennis on Mondays', 'Bob never plays tennis on Mondays');
    differ('The user has pets', 'The user has no pets');
    differ('Drinks coffee with sugar', 'Drinks coffee without sugar');
    // A filler after a negation carries meaning: "not really" is weaker than "not".
    differ('The user does not really like jazz', 'The user does not like jazz');
  });

  it('another number, amount, time or code', () => {
    differ('PIN is 1234', 'PIN is 5678');
    differ('the door PIN is 1234 for the office', 'the door PIN is 5678 for the office');
    differ('The flight leaves at 10:15', 'The flight leaves at 10:45');
    differ('The dose is 3.5 mg', 'The dose is 35 mg');
    differ('The dose is 3.5 mg', 'The dose is 3,5 mg');
    differ('Alice owes Bob 120 euros', 'Alice owes Bob 125 euros');
    differ('The locker code is a1b2', 'The locker code is 1b2');
    differ('The user has three children', 'The user has two children');
  });

  it('another name, or the same names in other roles', () => {
    differ("Alice's manager is Bob", "Alice's manager is Carol");
    differ('Alice taught Bob to ski', 'Bob taught Alice to ski');
    differ('Alice owes Bob 120 euros', 'Bob owes Alice 120 euros');
    differ('The user prefers tea over coffee', 'The user prefers coffee over tea');
    // An article that is part of a name is no filler.
    differ('The user visited The Hague', 'The user visited Hague');
  });

  it('another date, weekday, month or year', () => {
    differ('Dentist on 3 May', 'Dentist on 4 May');
    differ('Dentist on 3 May', 'Dentist on 3 June');
    differ('Goes swimming every Monday', 'Goes swimming every Tuesday');
    differ('Moved to Lisbon in 2019', 'Moved to Lisbon in 2020');
    differ('The report is due on 2024-05-03', 'The report is due on 2024-05-04');
  });

  it('any other content word, tense or number of a word', () => {
    differ('Alice lives in Paris', 'Alice works in Paris');
    differ('The user likes cats', 'The user dislikes cats');
    differ('The user likes cats', 'The users like cats');
    differ('The user liked cats', 'The user likes cats');
    differ('The user just eats fish', 'The user eats fish');
    differ('The user is very tall', 'The user is tall');
    differ('Enjoys hiking in the Alps', 'Loves hiking in the Alps');
    differ('Alice likes green tea', 'green tea: Alice likes');
  });

  it('a phrase moved across a clause boundary, longer than MAX_FRONTED_WORDS, or that opens with no fronting word', () => {
    differ('In the morning Alice calls Bob and Bob calls Carol', 'Alice calls Bob and Bob calls Carol in the morning');
    differ('Bob owns a red kayak', 'a red kayak Bob owns');
    const phrase = (words: number) => ['on', ...Array.from({ length: words - 1 }, (_, i) => `w${i}`)].join(' ');
    same(`${phrase(MAX_FRONTED_WORDS)} Bob swims`, `Bob swims ${phrase(MAX_FRONTED_WORDS)}`);
    differ(`${phrase(MAX_FRONTED_WORDS + 1)} Bob swims`, `Bob swims ${phrase(MAX_FRONTED_WORDS + 1)}`);
  });

  it('texts with no content word at all', () => {
    differ('the', 'a');
    differ('!!!', '???');
  });
});

describe('sameStatement: what still merges', () => {
  it('case, spacing, punctuation and a final full stop', () => {
    same('The user is allergic to peanuts', 'the user is allergic to peanuts.');
    same('The user is allergic to peanuts', 'THE USER IS ALLERGIC TO PEANUTS!');
    same('The user, Alice, likes tea', 'The user Alice likes tea');
    same('“The user likes tea”', 'The user likes tea');
    same('The user likes tea', 'The user  likes\ttea !');
  });

  it('an article or filler added or dropped', () => {
    same('The user is allergic to peanuts', 'User is allergic to peanuts');
    same('Ivan plays the cello', 'Ivan plays cello');
    same('The user really likes tea', 'The user likes tea');
    same('Actually, the user lives in Lyon', 'The user lives in Lyon');
    same("Alice's manager is also Bob", "Alice's manager is Bob");
    same('The user definitely prefers tea over coffee', 'The user prefers tea over coffee');
  });

  it('a contraction spelled out', () => {
    same("The user isn't allergic to peanuts", 'The user is not allergic to peanuts');
    same("The user doesn't eat meat", 'The user does not eat meat');
    same("The user can't swim", 'The user cannot swim');
    same("The user won't fly", 'The user will not fly');
    same('The user’s flat is in Leeds', "The user's flat is in Leeds");
  });

  it('a time or place phrase moved from the start to the end', () => {
    same('On Mondays, Bob plays tennis', 'Bob plays tennis on Mondays');
    same('Every Wednesday, Bob goes swimming', 'Bob goes swimming every Wednesday');
    same('In 2019 the user moved to Lisbon', 'The user moved to Lisbon in 2019');
    same('On 3 May the user has a dentist appointment', 'The user has a dentist appointment on 3 May');
    same('At 9 on Mondays the user swims', 'The user swims at 9 on Mondays');
  });
});

describe('sameStatement: properties', () => {
  const word = fc.stringMatching(/^[a-z]{1,8}$/).filter((w) => !FILLER_WORDS.has(w));
  const sentence = fc.array(word, { minLength: 1, maxLength: 8 });

  it('is symmetric and holds for a text and itself', () => {
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        expect(sameStatement(a.join(' '), a.join(' '))).toBe(true);
        expect(sameStatement(a.join(' '), b.join(' '))).toBe(sameStatement(b.join(' '), a.join(' ')));
      }),
    );
  });

  it('never merges a statement with itself plus a negation, a number or a capitalised name anywhere', () => {
    const insert = fc.constantFrom('not', 'never', 'no', '42', '7:30', 'Carol', 'May');
    fc.assert(
      fc.property(sentence, insert, fc.nat(), (words, extra, at) => {
        const copy = [...words];
        copy.splice(at % (words.length + 1), 0, extra);
        expect(sameStatement(words.join(' '), copy.join(' '))).toBe(false);
      }),
    );
  });

  it('never merges a statement with one word replaced by another', () => {
    fc.assert(
      fc.property(sentence, word, fc.nat(), (words, other, at) => {
        const i = at % words.length;
        fc.pre(words[i] !== other);
        const copy = [...words];
        copy[i] = other;
        expect(sameStatement(words.join(' '), copy.join(' '))).toBe(false);
      }),
    );
  });
});

describe('contentWords', () => {
  it('keeps numbers whole, spells out contractions, and drops fillers that are not names', () => {
    expect(contentWords("On 3 May, the user's PIN isn't 1,234 but 10:15 — really!")).toEqual(['on', '3', 'may', "user's", 'pin', 'is', 'not', '1,234', 'but', '10:15']);
    expect(contentWords('The Hague. The end')).toEqual(['hague', 'end']);
    expect(contentWords('we visited The Hague')).toEqual(['we', 'visited', 'the', 'hague']);
  });
});

describe('the rule as the README states it', () => {
  it('lists exactly the filler and fronting words the code uses', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rule = readme.split('\n').find((line) => line.startsWith('- its vector is within `indexing.duplicateThreshold`'));
    expect(rule).toBeDefined();
    const [fillers, fronting] = [/fillers (.*?), which may be added/.exec(rule!)?.[1], /time or place word \((.*?)\) moved/.exec(rule!)?.[1]];
    const listed = (text: string | undefined) => [...(text ?? '').matchAll(/\*([a-z]+)\*/g)].map((m) => m[1]).sort();
    expect(listed(fillers)).toEqual([...FILLER_WORDS].sort());
    expect(listed(fronting)).toEqual([...FRONTING_WORDS].sort());
  });
});
