// Request/response schemas of the household card (shared with web through the typed client), one
// file per aggregate: household.ts (list, card, edits), members.ts, years.ts, records.ts (cadres,
// measures, visits, photos), work-teams.ts, history.ts (reveal, history); params.ts and fields.ts
// are shared. Code-list values are validated against code-lists.ts; money is integer fen (分);
// dates are 'YYYY-MM-DD'. Field errors carry catalogue keys (api/http/validation.ts).
export { DateString, IdNumber, LocationInput, Phone } from './fields.ts';
export * from './history.ts';
export * from './household.ts';
export * from './members.ts';
export * from './params.ts';
export * from './records.ts';
export * from './work-teams.ts';
export * from './years.ts';
