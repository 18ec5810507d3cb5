// The shape of the hand-written Kysely `Database` interface (api/db/schema.ts) at test time:
// TypeScript's compiler API reads the file and its checker resolves every table's columns to the
// type a SELECT gives (ColumnType<S, …> and Generated<S> → S) and whether an INSERT may leave the
// column out. Interfaces vanish at run time; this reads them without changing schema.ts.
import path from 'node:path';
import ts from 'typescript';

export type Kind = 'string' | 'number' | 'boolean' | 'Date' | 'bytes' | 'unknown' | 'object' | `${string}[]`;

export interface ColumnShape {
  /** The kinds of a SELECT's value, null left out (`'a' | 'b'` is `string`). */
  kinds: Kind[];
  nullable: boolean;
  /** An INSERT may leave it out (Generated<…>, or an insert type that admits undefined). */
  optionalOnInsert: boolean;
  /** Never written (ColumnType<…, never, never>: generated always). */
  neverWritten: boolean;
}

export type SchemaShape = Map<string, Map<string, ColumnShape>>;

export function readSchemaShape(file = path.resolve(import.meta.dirname, '../db/schema.ts'), interfaceName = 'Database'): SchemaShape {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === interfaceName);
  if (!decl) throw new Error(`${file} declares no interface ${interfaceName}`);

  const typeOf = (symbol: ts.Symbol) => checker.getTypeOfSymbolAtLocation(symbol, decl);
  const members = (t: ts.Type) => (t.isUnion() ? t.types : [t]);
  const kindOf = (t: ts.Type): Kind => {
    const f = t.flags;
    if (f & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral | ts.TypeFlags.TemplateLiteral)) return 'string';
    if (f & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return 'number';
    if (f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return 'boolean';
    if (f & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return 'unknown';
    if (checker.isArrayType(t)) {
      const [element] = checker.getTypeArguments(t as ts.TypeReference);
      const kinds = element ? [...new Set(members(element).map(kindOf))] : ['unknown'];
      return `${kinds.length === 1 ? kinds[0] : 'unknown'}[]`;
    }
    const name = t.getSymbol()?.getName();
    if (name === 'Date') return 'Date';
    if (name === 'Uint8Array') return 'bytes';
    return 'object';
  };

  const shape: SchemaShape = new Map();
  for (const table of checker.getTypeAtLocation(decl).getProperties()) {
    const columns = new Map<string, ColumnShape>();
    for (const column of typeOf(table).getProperties()) {
      // ColumnType<S, I, U> (and Generated<S>) by its parts; `ColumnType<…> | null` distributes as Kysely does.
      const parts = members(typeOf(column));
      const side = (key: '__select__' | '__insert__' | '__update__') =>
        parts.flatMap((p) => {
          const s = p.getProperty(key);
          return s ? members(typeOf(s)) : [p];
        });
      const select = side('__select__');
      const insert = side('__insert__');
      const update = side('__update__');
      const isNever = (ps: ts.Type[]) => ps.every((p) => p.flags & ts.TypeFlags.Never);
      const nullable = select.some((p) => p.flags & (ts.TypeFlags.Null | ts.TypeFlags.Unknown | ts.TypeFlags.Any));
      const kinds = [...new Set(select.filter((p) => !(p.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined))).map(kindOf))].sort();
      const neverWritten = isNever(insert) && isNever(update);
      // Kysely's Insertable: optional when the insert type admits undefined or null (or is never).
      const optionalOnInsert =
        neverWritten || insert.some((p) => p.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Unknown | ts.TypeFlags.Any));
      columns.set(column.getName(), { kinds, nullable, optionalOnInsert, neverWritten });
    }
    shape.set(table.getName(), columns);
  }
  return shape;
}
