import type { Scenario } from '../scenario.js';
import { interventionScenarios } from './interventions.js';
import { isolationScenarios } from './isolation.js';
import { mixedScenarios } from './mixed.js';
import { preferenceScenarios } from './preferences.js';
import { timeBoundScenarios } from './time-bounds.js';
import { truthScenarios } from './truth.js';
import { updateScenarios } from './updates.js';

/** Every scenario, grouped by category in the order the harness runs them. */
export const scenarios: Scenario[] = [
  ...preferenceScenarios,
  ...interventionScenarios,
  ...updateScenarios,
  ...timeBoundScenarios,
  ...isolationScenarios,
  ...mixedScenarios,
  ...truthScenarios,
];
