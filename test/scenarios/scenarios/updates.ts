// Facts that change over time: the newest must win, by PATCH of the same memory or by a newer one.
import { noise } from '../noise.js';
import { user, type Scenario } from '../scenario.js';

export const updateScenarios: Scenario[] = [
  {
    name: 'PATCHed job replaces the old one',
    category: 'updates',
    steps: [
      { do: 'remember', userId: 'priya', memories: [{ content: 'Priya works as a data analyst at Globex', kind: 'fact', ref: 'job' }] },
      ...noise({ userId: 'priya' }, { memories: 15, episodes: 6 }, 21),
      { do: 'wait', days: 120 },
      { do: 'patch', ref: 'job', set: { content: 'Priya works as a product manager at Initech (since May)' } },
    ],
    ask: { userId: 'priya', query: 'Where does Priya work now and what is her role?' },
    expect: { contains: ['product manager at Initech'], excludes: ['data analyst at Globex'] },
  },
  {
    name: 'PATCHed home address replaces the old one',
    category: 'updates',
    steps: [
      {
        do: 'remember',
        userId: 'sean',
        memories: [
          { content: 'Home address: 14 Elm Road, Leeds LS6 2AB', kind: 'fact', importance: 0.8, ref: 'address' },
          { content: 'Work address: Platform, New Station Street, Leeds LS1 4JB', kind: 'fact' },
          { content: "Sean's parents live at 9 Quarry Lane, Otley", kind: 'fact' },
        ],
      },
      ...noise({ userId: 'sean' }, { memories: 14, episodes: 6 }, 22),
      { do: 'wait', days: 200 },
      { do: 'patch', ref: 'address', set: { content: 'Home address: 3 Harbour Street, Bristol BS1 4RN (moved in March 2026)' } },
      { do: 'session', sessionId: 'sean-forms', userId: 'sean', messages: [user('Fill in my home address on the parcel delivery form.')] },
    ],
    ask: { sessionId: 'sean-forms', userId: 'sean' },
    expect: { contains: ['3 Harbour Street, Bristol'], excludes: ['14 Elm Road'] },
  },
  {
    name: 'PATCHed diet (no longer vegan) replaces the old one in a cooking question',
    category: 'updates',
    steps: [
      { do: 'remember', userId: 'clara', memories: [{ content: "Clara's partner Tomás is vegan", kind: 'fact', importance: 0.7, ref: 'diet' }] },
      { do: 'remember', userId: 'clara', memories: [{ content: 'Tomás is a sous-chef at a tapas bar', kind: 'fact' }, { content: 'Clara cooks on Saturdays', kind: 'fact' }] },
      ...noise({ userId: 'clara' }, { memories: 12, episodes: 6 }, 23),
      { do: 'wait', days: 90 },
      { do: 'patch', ref: 'diet', set: { content: "Clara's partner Tomás is no longer vegan: he eats fish again but still avoids dairy" } },
      { do: 'session', sessionId: 'clara-cook', userId: 'clara', messages: [user('What should I cook for Tomás on Saturday?')] },
    ],
    ask: { sessionId: 'clara-cook', userId: 'clara' },
    expect: { contains: ['Tomás is no longer vegan'], excludes: ['Tomás is vegan'] },
  },
  {
    name: 'PATCH after a cached bundle: the next bundle shows the new phone number',
    category: 'updates',
    steps: [
      { do: 'remember', userId: 'amir', memories: [{ content: "The dentist's phone number is 0161 555 0192", kind: 'fact', ref: 'dentist' }, { content: "The GP surgery's phone number is 0161 555 0450", kind: 'fact' }] },
      ...noise({ userId: 'amir' }, { memories: 14, episodes: 6 }, 24),
      { do: 'context', ask: { userId: 'amir', query: "What is the dentist's phone number?" } },
      { do: 'wait', minutes: 5 },
      { do: 'patch', ref: 'dentist', set: { content: "The dentist's phone number changed to 0161 555 0388" } },
    ],
    ask: { userId: 'amir', query: "What is the dentist's phone number?" },
    expect: { contains: ['0161 555 0388'], excludes: ['0161 555 0192'] },
  },
  {
    name: 'PATCHed launch date replaces the old one',
    category: 'updates',
    steps: [
      {
        do: 'remember',
        agentId: 'pm-agent',
        memories: [
          { content: 'Project Atlas launch date is 12 March', kind: 'fact', importance: 0.8, ref: 'launch' },
          { content: 'Project Atlas owner is Marta Silva', kind: 'fact' },
          { content: 'Project Borealis launch date is 30 June', kind: 'fact' },
        ],
      },
      ...noise({ agentId: 'pm-agent' }, { memories: 12, episodes: 8 }, 25),
      { do: 'wait', days: 18 },
      { do: 'patch', ref: 'launch', set: { content: 'Project Atlas launch moved to 2 April after the security review' } },
    ],
    ask: { agentId: 'pm-agent', query: 'When does Atlas launch?' },
    expect: { contains: ['Atlas launch moved to 2 April'], excludes: ['12 March'] },
  },
  {
    name: 'PATCHed contact preference replaces the old one',
    category: 'updates',
    steps: [
      { do: 'remember', userId: 'lena', memories: [{ content: 'Lena prefers email for work updates', kind: 'preference', ref: 'contact' }, { content: 'Lena is the finance lead for the Nordics region', kind: 'fact' }] },
      ...noise({ userId: 'lena' }, { memories: 14, episodes: 6 }, 26),
      { do: 'wait', days: 30 },
      { do: 'patch', ref: 'contact', set: { content: 'Lena prefers Slack DMs for work updates; email only for formal documents' } },
    ],
    ask: { userId: 'lena', query: 'How should I send Lena the weekly work update?' },
    expect: { contains: ['Lena prefers Slack DMs for work updates'], excludes: ['Lena prefers email for work updates'] },
  },
  {
    name: 'newer memory about the editor outranks the older one',
    category: 'updates',
    steps: [
      { do: 'remember', userId: 'kenji', memories: [{ content: 'Kenji uses Vim as his main editor', kind: 'fact' }] },
      ...noise({ userId: 'kenji' }, { memories: 14, episodes: 6 }, 27),
      { do: 'wait', days: 240 },
      { do: 'remember', userId: 'kenji', memories: [{ content: 'Kenji switched to VS Code as his main editor', kind: 'fact' }] },
    ],
    ask: { userId: 'kenji', query: 'Which editor does Kenji use?' },
    expect: { contains: ['Kenji switched to VS Code'], order: ['Kenji switched to VS Code', 'Kenji uses Vim'] },
  },
  {
    name: "newer memory about Sofia's job search outranks the older one",
    category: 'updates',
    steps: [
      { do: 'remember', userId: 'mia', memories: [{ content: "Mia's friend Sofia is looking for a new job in UX research", kind: 'fact' }] },
      ...noise({ userId: 'mia' }, { memories: 14, episodes: 8 }, 28),
      { do: 'wait', days: 75 },
      { do: 'remember', userId: 'mia', memories: [{ content: 'Sofia accepted a UX research role at Monzo, starting in September', kind: 'fact' }] },
    ],
    ask: { userId: 'mia', query: "How is Sofia's UX research job search going?" },
    expect: { contains: ['Sofia accepted a UX research role at Monzo'], order: ['Sofia accepted a UX research role', 'Sofia is looking for a new job'] },
  },
  {
    name: "newer memory about Aisha's city outranks the older one",
    category: 'updates',
    steps: [
      { do: 'remember', userId: 'tunde', memories: [{ content: "Tunde's sister Aisha lives in Lagos", kind: 'fact' }] },
      ...noise({ userId: 'tunde' }, { memories: 14, episodes: 8 }, 29),
      { do: 'wait', days: 300 },
      { do: 'remember', userId: 'tunde', memories: [{ content: 'Aisha moved to Nairobi in January for her new post', kind: 'fact' }] },
      { do: 'session', sessionId: 'tunde-chat', userId: 'tunde', messages: [user("I'm sending Aisha a birthday present — where does she live these days?")] },
    ],
    ask: { sessionId: 'tunde-chat', userId: 'tunde' },
    expect: { contains: ['Aisha moved to Nairobi'], order: ['Aisha moved to Nairobi', 'Aisha lives in Lagos'] },
  },
  {
    name: 'newer medication dose outranks the older one',
    category: 'updates',
    steps: [
      { do: 'remember', userId: 'greta', memories: [{ content: 'Greta takes 50 mg sertraline each morning', kind: 'fact', importance: 0.8 }] },
      { do: 'remember', userId: 'greta', memories: [{ content: 'Greta takes vitamin D in winter', kind: 'fact' }] },
      ...noise({ userId: 'greta' }, { memories: 13, episodes: 8 }, 30),
      { do: 'wait', days: 60 },
      { do: 'remember', userId: 'greta', memories: [{ content: 'Greta’s sertraline dose was increased to 100 mg each morning from 3 March', kind: 'fact', importance: 0.8 }] },
    ],
    ask: { userId: 'greta', query: "What is Greta's current sertraline dose?" },
    expect: { contains: ['increased to 100 mg'], order: ['increased to 100 mg', '50 mg sertraline'] },
  },
];
