import { describe, expect, it } from 'vitest';
import { testEpisode, testMemory } from '../../../test/support/records.js';
import { asksAbout, onlyAsks, speakerOf, speakerPrior, type SpeakerPriorOptions } from './speaker-priors.js';

const turn = (id: string, content: string, metadata = {}) => testEpisode({ id, content, metadata });
const tim = turn('ep_1', 'Tim: I just finished "A Dance with Dragons".');
const john = turn('ep_2', 'John: Tim, have you read anything good lately?');
const ana = turn('ep_3', 'Ana: Porto this time.');
const conversation = [tim, john, ana];

describe('speakerOf and onlyAsks', () => {
  it('takes a message name first, then a transcript line that opens with a name', () => {
    expect(speakerOf(tim)).toBe('Tim');
    expect(speakerOf(turn('ep_4', 'Dr. Ana Lima: the results are in.'))).toBe('Dr. Ana Lima');
    expect(speakerOf(turn('ep_5', 'hello there', { name: 'Ben' }))).toBe('Ben');
    expect(speakerOf(turn('ep_6', 'Note: the meeting moved.'))).toBe('Note');
    expect(speakerOf(testMemory({ id: 'mem_3', content: 'Prefers tea', metadata: { name: 'Ben' } }))).toBeUndefined();
  });

  it('finds no speaker in plain text, a lower-case opening or a long sentence before a colon', () => {
    expect(speakerOf(testMemory({ id: 'mem_1', content: 'Ana lives in Porto.' }))).toBeUndefined();
    expect(speakerOf(turn('ep_7', 'reminder: call Ana'))).toBeUndefined();
    expect(speakerOf(turn('ep_8', 'The One Big Long Title Here: text'))).toBeUndefined();
  });

  it('tells a record that only asks from one that tells', () => {
    expect(onlyAsks(john)).toBe(true);
    expect(onlyAsks(turn('ep_9', 'Ana: Did you see "Dune?"'))).toBe(true);
    expect(onlyAsks(tim)).toBe(false);
    expect(onlyAsks(turn('ep_10', 'Ana: Why? Because I love it.'))).toBe(false);
  });
});

describe('asksAbout', () => {
  it('asks about the one speaker a query names, in any case and in the possessive', () => {
    expect(asksAbout('What books has Tim read?', conversation)).toEqual(['Tim']);
    expect(asksAbout("what do tim's kids like?", conversation)).toEqual(['Tim']);
    expect(asksAbout('What books has Timothy read?', conversation)).toEqual([]);
    expect(asksAbout('What books are good?', conversation)).toEqual([]);
  });

  it('asks about the first person named outside a possessive when a query names two', () => {
    expect(asksAbout('What did Tim say about John’s game?', conversation)).toEqual(['Tim']);
    expect(asksAbout("What does Tim think about John's decision?", conversation)).toEqual(['Tim']);
    expect(asksAbout("What did John's friend Tim recommend?", conversation)).toEqual(['Tim']);
    expect(asksAbout('What advice did John give to Tim?', conversation)).toEqual(['John']);
  });

  it('asks about all the people named together', () => {
    expect(asksAbout('What do Tim and John both like?', conversation)).toEqual(['Tim', 'John']);
    expect(asksAbout('Which city have both Ana, Tim and John visited?', conversation)).toEqual(['Ana', 'Tim', 'John']);
    expect(asksAbout('What did Tim & John watch, and what did Ana?', conversation)).toEqual(['Tim', 'John']);
  });
});

describe('speakerPrior', () => {
  const options: SpeakerPriorOptions = { speakerWeight: 1, questionDiscount: 0.2 };

  it('lowers what others said than the person asked about, and a record that only asks; leaves records with no speaker', () => {
    const factor = speakerPrior('What has Tim read lately?', conversation, options)!;
    expect(factor(tim)).toBe(1);
    expect(factor(ana)).toBe(0.5);
    expect(factor(john)).toBeCloseTo(0.4, 12);
    expect(factor(testMemory({ id: 'mem_2', content: 'Tim reads fantasy novels.' }))).toBe(1);
  });

  it('counts in full everyone asked about together', () => {
    const factor = speakerPrior('What do Tim and Ana both read?', conversation, options)!;
    expect([tim, ana].map(factor)).toEqual([1, 1]);
    expect(factor(john)).toBeCloseTo(0.4, 12);
  });

  it('lowers records that only ask even when the query names nobody, and does nothing when both are off', () => {
    const factor = speakerPrior('what was read lately?', conversation, options)!;
    expect(factor(john)).toBeCloseTo(0.8, 12);
    expect(factor(tim)).toBe(1);
    expect(speakerPrior('What has Tim read?', conversation, { speakerWeight: 0, questionDiscount: 0 })).toBeUndefined();
    expect(speakerPrior('What has Tim read?', conversation, { speakerWeight: 0, questionDiscount: 0.2 })!(tim)).toBe(1);
  });
});
