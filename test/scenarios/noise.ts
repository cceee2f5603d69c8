// Unrelated things an assistant would also know about a user: every scenario stores a slice of
// these next to what it needs, so that ranking, not an empty store, decides what the bundle holds.
import type { EpisodeItem, MemoryItem, Step } from './scenario.js';

export const NOISE_MEMORIES: readonly string[] = [
  'The user is training for the Great North Run half marathon in September',
  'The user has a ThinkPad X1 Carbon running Fedora 40',
  'The user’s brother Tomasz lives in Gdańsk and visits every Christmas',
  'The user is learning Japanese and practises kanji for 15 minutes a day',
  'The user supports Everton and goes to home games with a friend',
  'The user drives a grey 2017 Skoda Octavia estate',
  'The user’s favourite author is Ursula K. Le Guin',
  'The user wants bank statements filed in the Finance folder by month',
  'The user plays five-a-side football on Thursday evenings',
  'The user keeps a sourdough starter named Clint and bakes on Sundays',
  'The user’s wedding anniversary is on 14 June',
  'The user reads on a Kindle Paperwhite',
  'The user grew up in Cork, Ireland',
  'The user wants a weekly budget summary every Sunday evening',
  'The user volunteers at the Hulme food bank on the first Saturday of each month',
  'The user’s favourite board game is Wingspan',
  'The user prefers British English spelling in documents',
  'The user has a standing desk and works from home on Mondays and Fridays',
  'The user’s driving licence photo needs renewing in 2028',
  'The user collects vintage fountain pens, mostly Pelikan',
  'The user is saving for a house deposit and puts £400 aside each month',
  'The user’s niece Ada turns seven in May',
  'The user’s gym is on Deansgate and they go before work',
  'The user watches Formula 1 races live on Sunday afternoons',
  'The user prefers dark mode in every app',
  'The user’s accountant is Nadia Rahman at Rahman & Co',
  'The user takes the 7:42 train into the office on Tuesdays',
  'The user’s favourite holiday so far was two weeks in Kyoto',
  'The user listens to lo-fi playlists while working',
  'The user runs Home Assistant on a Raspberry Pi 4 in the hallway cupboard',
  'The user is colour-blind (deuteranopia), so charts should avoid red/green contrasts',
  'The user likes answers as short bullet lists',
  'The user’s mother’s birthday is 2 November',
  'The user has a season ticket for the Royal Exchange Theatre',
  'The user is renovating the downstairs bathroom and chose green metro tiles',
  'The user rides a Brompton folding bike and keeps it in the hallway',
  'The user’s favourite podcast is The Rest Is History',
  'The user is learning to play the ukulele',
  'The user’s phone is a Pixel 8',
  'The user is in a Thursday night pub quiz team called Quiz Team Aguilera',
];

export const NOISE_EPISODES: readonly Omit<EpisodeItem, 'at'>[] = [
  { kind: 'observation', content: 'Booked a haircut at Barber & Co for Saturday at 11:00' },
  { kind: 'message', role: 'user', content: 'Can you remind me to renew the car insurance next month?' },
  { kind: 'tool_result', content: "Calendar: created event 'Quarterly planning' on Tuesday at 14:00" },
  { kind: 'observation', content: "The user finished reading 'The Left Hand of Darkness'" },
  { kind: 'message', role: 'assistant', content: 'Here are three stretches for tight hamstrings after a long run' },
  { kind: 'observation', content: 'Paid the council tax instalment of £142' },
  { kind: 'tool_result', content: 'Weather lookup: Manchester, 11°C, light rain' },
  { kind: 'message', role: 'user', content: "What's a good board game for six players?" },
  { kind: 'observation', content: 'The user ran 14 km along the canal in 1 hour 22 minutes' },
  { kind: 'tool_result', content: 'Parcel AB123 delivered to the front porch' },
  { kind: 'message', role: 'user', content: 'Add oat milk, eggs and coffee beans to the shopping list' },
  { kind: 'observation', content: 'Renewed the Royal Exchange Theatre season ticket' },
  { kind: 'tool_result', content: 'Currency conversion: 250 EUR = 214.30 GBP' },
  { kind: 'message', role: 'assistant', content: 'Your kanji review streak is now 32 days' },
  { kind: 'observation', content: 'The user watched the Monaco Grand Prix' },
  { kind: 'message', role: 'user', content: 'Can you find a plumber for the bathroom renovation?' },
  { kind: 'tool_result', content: 'Train search: 07:42 Manchester Piccadilly to Leeds, platform 13' },
  { kind: 'observation', content: 'A bottle of Diamine Oxblood fountain pen ink arrived' },
  { kind: 'message', role: 'user', content: 'Draft a birthday message for my mum' },
  { kind: 'observation', content: 'The user skipped five-a-side because of a sore knee' },
  { kind: 'tool_result', content: "Spotify: playlist 'Deep Focus' started" },
  { kind: 'message', role: 'assistant', content: "I've moved £400 into the house deposit savings pot" },
  { kind: 'observation', content: 'Home Assistant 2026.1 installed on the Raspberry Pi' },
  { kind: 'message', role: 'user', content: 'What time does the pub quiz start on Thursday?' },
  { kind: 'tool_result', content: "Library: 'A Wizard of Earthsea' reserved and ready to pick up" },
  { kind: 'observation', content: 'The user baked a rye sourdough loaf' },
  { kind: 'message', role: 'user', content: "Translate 'where is the station' into Japanese" },
  { kind: 'tool_result', content: 'Bank: direct debit of £29.99 to the gym processed' },
  { kind: 'observation', content: 'Bought green metro tiles for the bathroom' },
  { kind: 'message', role: 'assistant', content: "Ukulele chord chart for 'Riptide' sent" },
  { kind: 'observation', content: 'The Brompton had a puncture fixed at the bike shop' },
  { kind: 'tool_result', content: 'Smart meter: electricity use yesterday was 9.4 kWh' },
  { kind: 'message', role: 'user', content: 'Remind me to call Tomasz on Sunday' },
  { kind: 'observation', content: 'Watched Everton draw 1–1 at home' },
  { kind: 'tool_result', content: "Kindle: 'The Dispossessed' synced to 63%" },
  { kind: 'message', role: 'user', content: 'Which podcasts are like The Rest Is History?' },
  { kind: 'observation', content: 'Filed the January bank statements in the Finance folder' },
  { kind: 'tool_result', content: 'Pixel 8 backup completed: 12,400 photos' },
  { kind: 'message', role: 'assistant', content: 'Here is a packing list for a weekend in the Peak District' },
  { kind: 'observation', content: "The user booked theatre tickets for 'Hamlet' on 20 March" },
];

function slice<T>(pool: readonly T[], count: number, offset: number): T[] {
  return Array.from({ length: Math.min(count, pool.length) }, (_, index) => pool[(offset + index * 7) % pool.length]!);
}

/**
 * Unrelated memories and episodes in one scope, picked from the pools from `offset` (stride 7, so
 * that neighbouring offsets pick different items). Episodes are spread over the past 90 days.
 */
export function noise(scope: { userId?: string; agentId?: string }, counts: { memories?: number; episodes?: number }, offset: number): Step[] {
  const steps: Step[] = [];
  if ((counts.memories ?? 0) > 0) {
    const memories: MemoryItem[] = slice(NOISE_MEMORIES, counts.memories ?? 0, offset).map((content) => ({ content }));
    steps.push({ do: 'remember', ...scope, memories });
  }
  if ((counts.episodes ?? 0) > 0) {
    const episodes = slice(NOISE_EPISODES, counts.episodes ?? 0, offset).map((episode, index) => ({
      ...episode,
      at: { daysAgo: (offset * 5 + index * 11) % 90, time: `${String(8 + (index % 12)).padStart(2, '0')}:15` },
    }));
    steps.push({ do: 'record', ...scope, episodes });
  }
  return steps;
}
