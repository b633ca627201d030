/**
 * Migration strategies, per collection and target version. RxDB runs them when a laptop opens a
 * database written by an older TutorDesk. Each function is pure and tested in
 * tests/unit/migrations.test.ts.
 */
import { STUDENT_STATUSES } from './types';

type Doc = Record<string, unknown>;
type Strategies = Record<number, (old: Doc) => Doc | null>;

/**
 * students v0 → v1: v0 (the pre-release prototype) kept one `name` field and a boolean
 * `archived`; v1 splits the name and has a three-state `status`.
 */
export function migrateStudentV0toV1(old: Doc): Doc {
  const { name, archived, ...rest } = old as Doc & { name?: unknown; archived?: unknown };
  const full = typeof name === 'string' ? name.trim() : '';
  const space = full.lastIndexOf(' ');
  const firstName = typeof rest.firstName === 'string' ? rest.firstName : space > 0 ? full.slice(0, space) : full;
  const lastName = typeof rest.lastName === 'string' ? rest.lastName : space > 0 ? full.slice(space + 1) : '';
  const status =
    typeof rest.status === 'string' && (STUDENT_STATUSES as readonly string[]).includes(rest.status)
      ? rest.status
      : archived === true
        ? 'archived'
        : 'active';
  return {
    ...rest,
    firstName,
    lastName,
    status,
    archivedAt: typeof rest.archivedAt === 'string' ? rest.archivedAt : archived === true ? String(rest.updatedAt ?? '') : '',
  };
}

export const migrationStrategies: Partial<Record<string, Strategies>> = {
  students: { 1: migrateStudentV0toV1 },
};
