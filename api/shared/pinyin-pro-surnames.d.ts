// pinyin-pro ships its surname list (compound surnames and their readings) as a module of its
// own under dist/ (exported by its package.json's "./dist/*"), without types.
declare module 'pinyin-pro/dist/esm/data/surname.mjs' {
  /** Surname → its reading with tones ('欧阳': 'ōu yáng'). */
  const surnames: Record<string, string>;
  export default surnames;
}
