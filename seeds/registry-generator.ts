// Deterministic synthetic registry (贫困人口明细) for demos and benchmarks: one row per member in the
// registry export format (docs/data-formats.md §1, column order of samples/registry.csv) plus
// 村民小组 right after 区划代码.
// Owns the synthetic people only: villages (codes, centres) come from the caller, and every coded
// value is an exact string from the code lists of docs/data-formats.md §1. It must never read the clock or any
// global randomness — the same options always give byte-identical output.
// The parts live in seeds/registry/: contract.ts (headers, code lists), random.ts (seeded
// randomness), id-numbers.ts (ID numbers, birth dates), people.ts (names, who lives together,
// member attributes), classification.ts (户类型, 户状态, cause, income), villages.ts, generate.ts
// (options, rows) and csv.ts (the CSV export); this file is what the rest of the code imports.

export * from './registry/contract.ts';
export { writeRegistryCsv, csvField } from './registry/csv.ts';
export {
  DEFAULT_AS_OF,
  DEFAULT_COUNTY_CODE,
  DEFAULT_SEED,
  type GenerateOptions,
  generateHouseholds,
  generateRegistryRows,
  type VillageInput,
} from './registry/generate.ts';
export { ageAt } from './registry/id-numbers.ts';
export { ETHNICITIES } from './registry/people.ts';
export { mulberry32 } from './registry/random.ts';
