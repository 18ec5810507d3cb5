// The one place where access is scoped. An account is bound to one area; it sees and changes
// only that area's subtree. Queries filter with scope.sql(...); writes call scope.assertCanWrite(...).
// No route re-implements this.
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { AppError, Forbidden } from '../../errors.ts';
import type { Role } from '../../db/schema.ts';
import { can } from '../../shared/permissions.ts';

export class Scope {
  constructor(
    readonly areaCode: string,
    readonly role: Role,
  ) {}

  /** The county this scope lies in, when it is at county level or below (distribution key). */
  get countyCode(): string | undefined {
    return this.areaCode.length >= 6 ? this.areaCode.slice(0, 6) : undefined;
  }

  covers(code: string): boolean {
    return code.startsWith(this.areaCode);
  }

  /** Whether `code` is an ancestor of the scope's own area (visible as context, e.g. the county outline). */
  isAncestor(code: string): boolean {
    return this.areaCode.startsWith(code) && code !== this.areaCode;
  }

  /** The role changes data (permission data.write); 纪检监察 and 村监委 read only. */
  get canWrite(): boolean {
    return can(this.role, 'data.write');
  }

  /**
   * WHERE fragment restricting rows to the scope's subtree. `areaColumn` holds an area code
   * (e.g. a 12-digit village code); `countyColumn` the row's 6-digit county code, added so that
   * a county-distributed database (Citus) routes the query to one shard.
   */
  sql(areaColumn: string, countyColumn?: string): RawBuilder<SqlBool> {
    const byArea = sql<SqlBool>`${sql.ref(areaColumn)} like ${this.prefix}`;
    if (!countyColumn) return byArea;
    const byCounty = this.countySql(countyColumn);
    // A county scope is its county code: the tables passed here hold county_code =
    // left(village_code, 6) as a CHECK constraint (migration 0017), so the area test adds nothing
    // but a per-row filter that keeps index-only scans away.
    if (this.areaCode.length === 6) return byCounty;
    return sql<SqlBool>`(${byCounty} and ${byArea})`;
  }

  /**
   * WHERE fragment on a row's 6-digit county code alone: the scope's county, or the counties under
   * a wider scope (for tables without an area column, e.g. members; narrower scopes need sql()).
   */
  countySql(countyColumn: string): RawBuilder<SqlBool> {
    const county = this.countyCode;
    return county ? sql<SqlBool>`${sql.ref(countyColumn)} = ${county}` : sql<SqlBool>`${sql.ref(countyColumn)} like ${this.prefix}`;
  }

  private get prefix(): string {
    return `${this.areaCode.replace(/[%_\\]/g, '')}%`;
  }

  /** Throws 403 (audited by the error middleware) unless the scope may read `code`. */
  assertCovers(code: string, entity = 'area', entityId: string = code): void {
    if (!this.covers(code)) throw scopeDenied(code, entity, entityId, 'read');
  }

  /** Throws 403 (audited) unless the scope may change data in `code`. */
  assertCanWrite(code: string, entity = 'area', entityId: string = code): void {
    if (!this.canWrite) {
      throw new AppError('FORBIDDEN', 'error.readOnlyRole', {}, [], { audit: { code, entity, entityId, kind: 'write' } });
    }
    if (!this.covers(code)) throw scopeDenied(code, entity, entityId, 'write');
  }
}

function scopeDenied(code: string, entity: string, entityId: string, kind: 'read' | 'write') {
  const e = Forbidden('error.outOfScope', { code });
  return new AppError(e.code, e.key, e.params, [], { audit: { code, entity, entityId, kind } });
}
