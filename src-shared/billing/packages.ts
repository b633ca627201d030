/**
 * Prepaid packages (docs/billing.md "Prepaid packages"). A package is N lessons bought up front
 * (Student.packages). It is sold through a 'package' invoice line (claim `package:<id>`), and
 * consumed by the student's billable lessons dated on/after `purchasedOn`, oldest lesson first,
 * oldest package first. Each consumed lesson is a zero-priced 'lesson' line carrying the
 * packageId, so usage = number of such lessons on live (non-void) invoices: voiding an invoice
 * gives its lessons back to the package.
 */
import type { Invoice, PrepaidPackage, Student } from '../model/types';

/** packageId → lessons consumed on live invoices. */
export function packageUsageFromInvoices(invoices: Iterable<Pick<Invoice, 'kind' | 'status' | 'lines'>>): Map<string, number> {
  const usage = new Map<string, number>();
  for (const inv of invoices) {
    if (inv.kind !== 'invoice' || inv.status === 'void') continue;
    for (const line of inv.lines) {
      if (line.kind === 'lesson' && line.packageId) {
        usage.set(line.packageId, (usage.get(line.packageId) ?? 0) + line.occurrenceIds.length);
      }
    }
  }
  return usage;
}

export interface PackageBalance {
  package: PrepaidPackage;
  used: number;
  remaining: number;
  /** Whether the package sale has been put on a live invoice. */
  invoiced: boolean;
}

/** Balance of each of a student's packages (oldest first). */
export function packageBalances(
  student: Pick<Student, 'packages'>,
  invoices: Iterable<Pick<Invoice, 'kind' | 'status' | 'lines'>>,
): PackageBalance[] {
  const list = [...invoices];
  const usage = packageUsageFromInvoices(list);
  const sold = new Set<string>();
  for (const inv of list) {
    if (inv.kind !== 'invoice' || inv.status === 'void') continue;
    for (const line of inv.lines) if (line.kind === 'package' && line.packageId) sold.add(line.packageId);
  }
  return sortPackages(student.packages ?? []).map((p) => {
    const used = usage.get(p.id) ?? 0;
    return { package: p, used, remaining: Math.max(0, p.lessons - used), invoiced: sold.has(p.id) };
  });
}

export function sortPackages(packages: readonly PrepaidPackage[]): PrepaidPackage[] {
  return [...packages].sort((a, b) =>
    a.purchasedOn === b.purchasedOn ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.purchasedOn < b.purchasedOn ? -1 : 1,
  );
}

/**
 * Picks the package a lesson on `lessonDate` consumes: the oldest package bought on/before that
 * date with lessons left, given the usage so far (mutated: +1 for the chosen package).
 * Returns the package and the lesson's position in it (1-based), or null when none has lessons left.
 */
export function consumePackage(
  packages: readonly PrepaidPackage[],
  lessonDate: string,
  usage: Map<string, number>,
): { pkg: PrepaidPackage; position: number } | null {
  for (const pkg of packages) {
    if (pkg.purchasedOn > lessonDate) continue;
    const used = usage.get(pkg.id) ?? 0;
    if (used < pkg.lessons) {
      usage.set(pkg.id, used + 1);
      return { pkg, position: used + 1 };
    }
  }
  return null;
}
