// Mixed, realistic cases: recent session messages, small budgets, paraphrases, answers held in
// conversation turns, window overflow and response-cache invalidation.
import { noise } from '../noise.js';
import { assistant, daysAgo, user, type MessageItem, type Scenario } from '../scenario.js';

/** A long chat of everyday chatter, optionally with one message worth keeping at position `key.at`. */
function longChat(total: number, key?: { at: number; message: MessageItem }): MessageItem[] {
  const chatter = [
    user('Can you check the bin collection day?'),
    assistant('General waste goes out on Tuesdays, recycling every other Friday.'),
    user('And remind me to water the tomatoes tonight'),
    assistant("Reminder set for 19:00: water the tomatoes."),
    user('What is 15% of 240?'),
    assistant('15% of 240 is 36.'),
  ];
  return Array.from({ length: total }, (_, index) => (index === key?.at ? key.message : chatter[index % chatter.length]!));
}

export const mixedScenarios: Scenario[] = [
  {
    name: "the session's latest messages are in the bundle",
    category: 'mixed',
    steps: [
      ...noise({ userId: 'yara' }, { memories: 12, episodes: 10 }, 56),
      {
        do: 'session',
        sessionId: 'yara-trip',
        userId: 'yara',
        messages: [
          user("I'm planning a long weekend in Edinburgh in April."),
          assistant('Lovely! Are you flying or taking the train?'),
          user('Train. Leaving Friday morning from Manchester.'),
          assistant('The 08:15 TransPennine gets in at 11:45.'),
          user("Great. I'd like a hotel near the Royal Mile."),
          assistant('The Radisson Collection on the Royal Mile has rooms from £180.'),
          user('Too pricey. Something under £120 a night, please.'),
          assistant('Motel One Edinburgh-Royal is £109 a night and a two-minute walk from the Royal Mile.'),
        ],
      },
      { do: 'say', sessionId: 'yara-trip', messages: [user('Book Motel One for Friday and Saturday night.')] },
    ],
    ask: { sessionId: 'yara-trip', userId: 'yara' },
    expect: { contains: ['Book Motel One for Friday and Saturday night.', 'Motel One Edinburgh-Royal is £109 a night'] },
  },
  {
    name: 'a 100-token budget still holds the spare key memory',
    category: 'mixed',
    steps: [
      {
        do: 'remember',
        userId: 'quinn',
        memories: [
          { content: 'The spare front door key is under the blue plant pot by the shed', kind: 'fact', importance: 0.7 },
          { content: 'The spare car key is in the kitchen drawer next to the batteries', kind: 'fact' },
          { content: 'The shed padlock combination is 0417', kind: 'fact' },
          { content: 'The front door paint colour is Farrow & Ball Hague Blue', kind: 'fact' },
        ],
      },
      ...noise({ userId: 'quinn' }, { memories: 16, episodes: 10 }, 57),
    ],
    ask: { userId: 'quinn', query: 'Where is the spare front door key?', tokenBudget: 100 },
    expect: { contains: ['spare front door key is under the blue plant pot'] },
  },
  {
    name: 'a 200-token budget with a long session still holds the most relevant memory',
    category: 'mixed',
    steps: [
      {
        do: 'remember',
        userId: 'ravi',
        memories: [
          { content: "Ravi's blood type is O negative", kind: 'fact', importance: 0.8 },
          { content: 'Ravi donated blood at the Plymouth Grove donor centre in January', kind: 'fact' },
          { content: 'Ravi is a registered organ donor', kind: 'fact' },
        ],
      },
      ...noise({ userId: 'ravi' }, { memories: 16, episodes: 10 }, 58),
      { do: 'session', sessionId: 'ravi-chat', userId: 'ravi', messages: longChat(14).concat([user("The hospital form asks for my blood type — what is it?")]) },
    ],
    ask: { sessionId: 'ravi-chat', userId: 'ravi', tokenBudget: 200 },
    expect: { contains: ["Ravi's blood type is O negative"] },
  },
  {
    name: "paraphrase: \"my pet's name\" finds the cat called Miso",
    category: 'mixed',
    needsVectors: true,
    steps: [
      { do: 'remember', userId: 'sara', memories: [{ content: "Sara's cat is called Miso", kind: 'fact' }, { content: 'Sara drives a red Fiat 500', kind: 'fact' }] },
      ...noise({ userId: 'sara' }, { memories: 16, episodes: 8 }, 59),
    ],
    ask: { userId: 'sara', query: "What's my pet's name?" },
    expect: { contains: ["Sara's cat is called Miso"] },
  },
  {
    name: 'paraphrase: "what do I do at the hospital" finds the ICU nurse job',
    category: 'mixed',
    needsVectors: true,
    steps: [
      { do: 'remember', userId: 'kai', memories: [{ content: 'Kai works night shifts as an ICU nurse at St Mary’s', kind: 'fact' }, { content: 'Kai’s flatmate is a chef', kind: 'fact' }] },
      ...noise({ userId: 'kai' }, { memories: 16, episodes: 8 }, 60),
    ],
    ask: { userId: 'kai', query: "What's my job at the hospital?" },
    expect: { contains: ['ICU nurse'] },
  },
  {
    name: 'paraphrase: "which antibiotics should I avoid" finds the penicillin allergy',
    category: 'mixed',
    needsVectors: true,
    steps: [
      { do: 'remember', userId: 'liv', memories: [{ content: 'Liv is allergic to penicillin — it gives her hives', kind: 'fact', importance: 0.9 }] },
      ...noise({ userId: 'liv' }, { memories: 16, episodes: 8 }, 61),
    ],
    ask: { userId: 'liv', query: 'Which antibiotics should I avoid?' },
    expect: { contains: ['allergic to penicillin'] },
  },
  {
    name: 'paraphrase: the best way to get to Edinburgh finds the rail-over-flying preference',
    category: 'mixed',
    needsVectors: true,
    steps: [
      { do: 'remember', userId: 'ben', memories: [{ content: 'Ben would rather take the train than fly for trips under five hours', kind: 'preference' }] },
      ...noise({ userId: 'ben' }, { memories: 16, episodes: 8 }, 62),
    ],
    ask: { userId: 'ben', query: "What's the best way for me to get from London to Edinburgh?" },
    expect: { contains: ['take the train than fly'] },
  },
  {
    name: 'a user turn from three weeks ago holds the flight landing time',
    category: 'mixed',
    steps: [
      {
        do: 'record',
        userId: 'ana',
        sessionId: 'ana-old',
        episodes: [
          { kind: 'message', role: 'user', content: 'My flight TP1331 to Lisbon lands at 18:40 on Friday the 14th', at: daysAgo(21, '09:00') },
          { kind: 'message', role: 'assistant', content: "Noted. Shall I book a taxi from the airport?", at: daysAgo(21, '09:01') },
          { kind: 'message', role: 'user', content: 'No, my cousin Rita is picking me up', at: daysAgo(21, '09:02') },
        ],
      },
      ...noise({ userId: 'ana' }, { memories: 10, episodes: 16 }, 63),
    ],
    ask: { userId: 'ana', query: 'When does my Lisbon flight land?' },
    expect: { contains: ['lands at 18:40'] },
  },
  {
    name: 'a message pushed out of a long session window is still found later',
    category: 'mixed',
    steps: [
      ...noise({ userId: 'theo' }, { memories: 10, episodes: 10 }, 64),
      {
        do: 'session',
        sessionId: 'theo-long',
        userId: 'theo',
        messages: longChat(60, { at: 3, message: user('Remember this: the gate code for the allotment is 7319#') }),
      },
      { do: 'wait', days: 2 },
      { do: 'session', sessionId: 'theo-new', userId: 'theo', messages: [user("What's the allotment gate code again?")] },
    ],
    ask: { sessionId: 'theo-new', userId: 'theo' },
    expect: { contains: ['allotment is 7319#'] },
  },
  {
    name: 'an assistant turn holds the thermostat schedule',
    category: 'mixed',
    steps: [
      {
        do: 'record',
        userId: 'uma',
        episodes: [
          { kind: 'message', role: 'user', content: 'Set the thermostat so the house is warm when I get up', at: daysAgo(6, '21:00') },
          { kind: 'message', role: 'assistant', content: "I've set your thermostat schedule: 19°C from 06:30 to 08:30, 17°C overnight", at: daysAgo(6, '21:01') },
        ],
      },
      ...noise({ userId: 'uma' }, { memories: 10, episodes: 16 }, 65),
    ],
    ask: { userId: 'uma', query: 'What temperature did we set the thermostat to in the morning?' },
    expect: { contains: ['19°C from 06:30 to 08:30'] },
  },
  {
    name: 'a memory written after a cached bundle appears in the next bundle',
    category: 'mixed',
    steps: [
      { do: 'remember', userId: 'vic', memories: [{ content: 'Visitor parking is on level 2 of the Q-Park', kind: 'fact' }] },
      ...noise({ userId: 'vic' }, { memories: 14, episodes: 8 }, 66),
      { do: 'context', ask: { userId: 'vic', query: 'What is my parking permit number?' } },
      { do: 'wait', minutes: 2 },
      { do: 'remember', userId: 'vic', memories: [{ content: 'Residents parking permit number is BX-4410', kind: 'fact' }] },
    ],
    ask: { userId: 'vic', query: 'What is my parking permit number?' },
    expect: { contains: ['permit number is BX-4410'] },
  },
  {
    name: 'session, memory and past booking all come together for a repeat booking',
    category: 'mixed',
    steps: [
      { do: 'remember', userId: 'wes', memories: [{ content: "The usual table at Luca's is the corner booth for four; book under the name Rossi", kind: 'preference' }] },
      { do: 'record', userId: 'wes', episodes: [{ kind: 'tool_result', content: "Booked Luca's for 4 people at 19:30 under Rossi (confirmation LC-2231)", at: daysAgo(35, '12:00') }] },
      ...noise({ userId: 'wes' }, { memories: 14, episodes: 14 }, 67),
      { do: 'session', sessionId: 'wes-book', userId: 'wes', messages: [user("Can you book the usual table at Luca's for Friday?")] },
    ],
    ask: { sessionId: 'wes-book', userId: 'wes' },
    expect: { contains: ["Can you book the usual table at Luca's for Friday?", 'corner booth for four', 'LC-2231'] },
  },
  {
    name: 'an earlier conversation names the Thai café we liked',
    category: 'mixed',
    steps: [
      {
        do: 'record',
        userId: 'xan',
        sessionId: 'xan-old',
        episodes: [
          { kind: 'message', role: 'user', content: "What was that Thai place we liked near the station?", at: daysAgo(40, '18:00') },
          { kind: 'message', role: 'assistant', content: 'It was Siam Smiles, the Thai café on Sackville Street', at: daysAgo(40, '18:01') },
        ],
      },
      ...noise({ userId: 'xan' }, { memories: 10, episodes: 16 }, 68),
      { do: 'session', sessionId: 'xan-new', userId: 'xan', messages: [user("Let's get takeaway from that Thai place again tonight.")] },
    ],
    ask: { sessionId: 'xan-new', userId: 'xan' },
    expect: { contains: ['Siam Smiles'] },
  },
];
