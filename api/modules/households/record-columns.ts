// Column helpers the card's record writes share (years.ts, children.ts, photos.ts, work-teams.ts).

/** A record's columns as its audit entry keeps them (bookkeeping columns left out). */
export const strip = (r: Record<string, unknown>) => {
  const { created_at: _c, updated_at: _u, household_id: _h, county_code: _cc, location: _l, ...rest } = r;
  return rest;
};

/** The columns of the input fields present, by `map` (field → column). */
export const pick = (input: Record<string, unknown>, map: Record<string, string>) => {
  const out: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(map)) if (input[k] !== undefined) out[col] = input[k];
  return out;
};
