// Users sharing a namespace never see each other's memories, episodes or sessions; namespaces never leak.
import { noise } from '../noise.js';
import { user, type Scenario } from '../scenario.js';

export const isolationScenarios: Scenario[] = [
  {
    name: "Alice's context has her dog, not Bob's (same wording, different users)",
    category: 'isolation',
    steps: [
      { do: 'remember', userId: 'alice', memories: [{ content: "The user's dog is a beagle called Biscuit", kind: 'fact' }] },
      { do: 'remember', userId: 'bob', memories: [{ content: "The user's dog is a collie called Pepper", kind: 'fact' }] },
      ...noise({ userId: 'alice' }, { memories: 10, episodes: 6 }, 41),
      ...noise({ userId: 'bob' }, { memories: 10, episodes: 6 }, 42),
    ],
    ask: { userId: 'alice', query: "What's my dog called?" },
    expect: { contains: ['beagle called Biscuit'], excludes: ['collie called Pepper'] },
  },
  {
    name: "Bob's context has his shellfish allergy, not Carol's penicillin allergy",
    category: 'isolation',
    steps: [
      { do: 'remember', userId: 'carol', memories: [{ content: 'The user is allergic to penicillin', kind: 'fact', importance: 0.9 }] },
      { do: 'remember', userId: 'bob', memories: [{ content: 'The user is allergic to shellfish', kind: 'fact', importance: 0.9 }] },
      ...noise({ userId: 'carol' }, { memories: 10, episodes: 6 }, 43),
      ...noise({ userId: 'bob' }, { memories: 10, episodes: 6 }, 44),
      { do: 'session', sessionId: 'bob-pharmacy', userId: 'bob', messages: [user('Which allergies should I tell the pharmacy about?')] },
    ],
    ask: { sessionId: 'bob-pharmacy', userId: 'bob' },
    expect: { contains: ['allergic to shellfish'], excludes: ['allergic to penicillin'] },
  },
  {
    name: "another user's session messages stay out of the bundle",
    category: 'isolation',
    steps: [
      { do: 'remember', userId: 'dora', memories: [{ content: "The user's building door code is 2290", kind: 'fact' }] },
      { do: 'session', sessionId: 'eve-chat', userId: 'eve', messages: [user('The building door code at my place is 4471, remember it'), user('What is my door code again?')] },
      { do: 'record', userId: 'eve', episodes: [{ kind: 'message', role: 'user', content: 'Eve set the building door code to 4471' }] },
      ...noise({ userId: 'dora' }, { memories: 10, episodes: 6 }, 45),
      ...noise({ userId: 'eve' }, { memories: 6, episodes: 6 }, 46),
      { do: 'session', sessionId: 'dora-chat', userId: 'dora', messages: [user("What's the building door code?")] },
    ],
    ask: { sessionId: 'dora-chat', userId: 'dora' },
    expect: { contains: ['door code is 2290'], excludes: ['4471'] },
  },
  {
    name: "Frank's rent payment episode, not Gina's",
    category: 'isolation',
    steps: [
      { do: 'record', userId: 'frank', episodes: [{ kind: 'tool_result', content: 'Bank: paid rent of £950 to Hartley Lettings', at: { daysAgo: 3 } }] },
      { do: 'record', userId: 'gina', episodes: [{ kind: 'tool_result', content: 'Bank: paid rent of £1,200 to Northside Homes', at: { daysAgo: 2 } }] },
      ...noise({ userId: 'frank' }, { memories: 6, episodes: 12 }, 47),
      ...noise({ userId: 'gina' }, { memories: 6, episodes: 12 }, 48),
    ],
    ask: { userId: 'frank', query: 'How much rent did I pay this month?' },
    expect: { contains: ['rent of £950'], excludes: ['£1,200', 'Northside Homes'] },
  },
  {
    name: 'the same user id in another namespace does not leak',
    category: 'isolation',
    steps: [
      { do: 'remember', userId: 'u-1001', memories: [{ content: "The user's manager is Grace Whitfield", kind: 'fact' }] },
      { do: 'remember', namespace: 'tenant-b', userId: 'u-1001', memories: [{ content: "The user's manager is Ivan Petrov", kind: 'fact' }] },
      ...noise({ userId: 'u-1001' }, { memories: 10, episodes: 6 }, 49),
    ],
    ask: { userId: 'u-1001', query: 'Who is my manager?' },
    expect: { contains: ['Grace Whitfield'], excludes: ['Ivan Petrov'] },
  },
  {
    name: "a namespace-wide fact from another tenant does not leak (no user id)",
    category: 'isolation',
    steps: [
      { do: 'remember', memories: [{ content: 'Support hours are 8:00–18:00 CET on weekdays', kind: 'fact' }] },
      { do: 'remember', namespace: 'tenant-b', memories: [{ content: 'Support hours are 24/7 including weekends', kind: 'fact' }] },
      { do: 'record', namespace: 'tenant-b', episodes: [{ kind: 'observation', content: 'Extended support hours to 24/7 after the holiday rush' }] },
      ...noise({}, { memories: 10, episodes: 8 }, 50),
    ],
    ask: { query: 'What are the support hours?' },
    expect: { contains: ['8:00–18:00 CET'], excludes: ['24/7'] },
  },
  {
    name: "three users' medications: only the asker's",
    category: 'isolation',
    steps: [
      { do: 'remember', userId: 'hugo', memories: [{ content: 'The user takes 10 mg atorvastatin at night', kind: 'fact' }] },
      { do: 'remember', userId: 'iris', memories: [{ content: 'The user takes 75 mcg levothyroxine before breakfast', kind: 'fact' }] },
      { do: 'remember', userId: 'jack', memories: [{ content: 'The user takes 500 mg metformin with dinner', kind: 'fact' }] },
      ...noise({ userId: 'hugo' }, { memories: 6, episodes: 4 }, 51),
      ...noise({ userId: 'iris' }, { memories: 6, episodes: 4 }, 52),
      ...noise({ userId: 'jack' }, { memories: 6, episodes: 4 }, 53),
    ],
    ask: { userId: 'jack', query: 'Which medication does the user take?' },
    expect: { contains: ['500 mg metformin'], excludes: ['atorvastatin', 'levothyroxine'] },
  },
  {
    name: "a user with nothing on the topic gets none of another user's secret",
    category: 'isolation',
    steps: [
      { do: 'remember', userId: 'kim', memories: [{ content: 'The home Wi-Fi password is tulip-42-river', kind: 'fact' }] },
      { do: 'record', userId: 'kim', episodes: [{ kind: 'message', role: 'user', content: 'I changed the Wi-Fi password to tulip-42-river' }] },
      ...noise({ userId: 'lars' }, { memories: 10, episodes: 8 }, 54),
      { do: 'session', sessionId: 'lars-chat', userId: 'lars', messages: [user("What's the Wi-Fi password at home?")] },
    ],
    ask: { sessionId: 'lars-chat', userId: 'lars' },
    expect: { contains: ["What's the Wi-Fi password at home?"], excludes: ['tulip-42-river'] },
  },
  {
    name: 'the same session id in another namespace does not leak its messages',
    category: 'isolation',
    steps: [
      { do: 'session', sessionId: 'chat-1', userId: 'mo', messages: [user('Please book the dentist for Tuesday afternoon'), user('Actually make it Wednesday at 15:00')] },
      { do: 'session', namespace: 'tenant-b', sessionId: 'chat-1', userId: 'mo', messages: [user('Transfer £5,000 to the savings account')] },
      ...noise({ userId: 'mo' }, { memories: 10, episodes: 8 }, 55),
    ],
    ask: { sessionId: 'chat-1', userId: 'mo' },
    expect: { contains: ['Wednesday at 15:00'], excludes: ['Transfer £5,000'] },
  },
];
