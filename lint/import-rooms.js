// @ts-check
/**
 * ESLint rule `rooms/imports`: each file may import only what its room allows (lint/rooms.js).
 * Checks static imports, `export … from`, dynamic `import()` and `import x = require()`.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { minimatch } from 'minimatch';

/** @typedef {import('./rooms.js').Room} Room */

const NODE_BUILTINS = new Set(builtinModules);
const CODE_EXTENSION = /\.(ts|tsx|js|jsx|mjs|cjs)$/;

/** The room of a repo-relative file, or undefined. */
export function roomOf(/** @type {string} */ file, /** @type {Room[]} */ rooms) {
  return rooms.find((r) => r.files.some((g) => minimatch(file, g, { dot: true })));
}

/** What a specifier names: a repo-relative path (relative imports) or a package. */
export function resolveSpecifier(/** @type {string} */ fromFile, /** @type {string} */ specifier) {
  const bare = specifier.split('?')[0] ?? specifier;
  if (!bare.startsWith('.')) return { kind: /** @type {const} */ ('package'), name: bare };
  let p = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), bare)).replace(CODE_EXTENSION, '');
  if (p.endsWith('/index')) p = p.slice(0, -'/index'.length);
  return { kind: /** @type {const} */ ('path'), name: p };
}

function packageRoot(/** @type {string} */ name) {
  const parts = name.split('/');
  return name.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? name);
}

/**
 * Whether `room` allows importing `target` from `fromFile`. `names` are the imported names (null:
 * a default, namespace, side-effect or dynamic import); `typeOnly` when only types are imported.
 * Returns null when allowed, else the reason.
 */
export function checkImport(
  /** @type {Room} */ room,
  /** @type {string} */ fromFile,
  /** @type {string} */ specifier,
  /** @type {{ typeOnly: boolean, names: string[] | null }} */ how,
) {
  const target = resolveSpecifier(fromFile, specifier);
  if (target.kind === 'path') {
    let unit = '';
    if (room.unit) {
      const depth = room.unit.split('/').length;
      unit = fromFile.split('/').slice(0, depth).join('/');
    }
    const allowed = room.paths.some((g) => minimatch(target.name, g.replace('<unit>', unit), { dot: true }));
    return allowed ? null : `'${target.name}'`;
  }
  const name = target.name;
  if (room.node && (name.startsWith('node:') || NODE_BUILTINS.has(name) || NODE_BUILTINS.has(packageRoot(name)))) return null;
  for (const p of room.packages ?? []) {
    if (typeof p === 'string') {
      if (minimatch(name, p)) return null;
      continue;
    }
    const names = p[name];
    if (!names) continue;
    const bad = how.names === null ? ['(everything)'] : how.names.filter((n) => !names.includes(n));
    return bad.length === 0 ? null : `${bad.join(', ')} from '${name}' (only ${names.join(', ')})`;
  }
  if (how.typeOnly && (room.typePackages ?? []).some((p) => minimatch(name, p))) return null;
  return `'${name}'${(room.typePackages ?? []).some((p) => minimatch(name, p)) ? ' (types only)' : ''}`;
}

function describeRoom(/** @type {Room} */ room) {
  const parts = room.paths.map((p) => (room.unit ? p.replace('<unit>', `its own ${room.unit}`) : p));
  for (const p of room.packages ?? [])
    parts.push(
      typeof p === 'string'
        ? p
        : Object.entries(p)
            .map(([k, v]) => `${k} {${v.join(', ')}}`)
            .join(''),
    );
  for (const p of room.typePackages ?? []) parts.push(`type ${p}`);
  if (room.node) parts.push('node:*');
  return parts.join(', ');
}

/** @param {{ rooms: Room[], roots: string[] }} table */
export function createRule(table) {
  /** @type {import('eslint').Rule.RuleModule} */
  const rule = {
    meta: {
      type: 'problem',
      docs: { description: 'Each folder imports only what its room allows (lint/rooms.js, docs/architecture.md)' },
      messages: {
        forbidden: 'The {{room}} room may not import {{target}}. It may import: {{allowed}}. (lint/rooms.js, docs/architecture.md "Rooms")',
        noRoom: 'This file is in no room of lint/rooms.js: add it to one.',
      },
      schema: [],
    },
    create(context) {
      const file = path.relative(context.cwd, context.filename).split(path.sep).join('/');
      const room = roomOf(file, table.rooms);
      if (!room) {
        if (table.roots.some((r) => file.startsWith(r))) context.report({ loc: { line: 1, column: 0 }, messageId: 'noRoom' });
        return {};
      }
      /** @param {any} node @param {any} source @param {{ typeOnly: boolean, names: string[] | null }} how */
      const check = (node, source, how) => {
        if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
        const bad = checkImport(room, file, source.value, how);
        if (bad) context.report({ node, messageId: 'forbidden', data: { room: room.name, target: bad, allowed: describeRoom(room) } });
      };
      /** @param {any[]} specifiers */
      const importedNames = (specifiers) => {
        if (specifiers.length === 0 || specifiers.some((s) => s.type !== 'ImportSpecifier' && s.type !== 'ExportSpecifier')) return null;
        return specifiers.map((s) =>
          s.type === 'ImportSpecifier' ? (s.imported.name ?? s.imported.value) : (s.local.name ?? s.local.value),
        );
      };
      return {
        /** @param {any} node */
        ImportDeclaration(node) {
          const typeOnly =
            node.importKind === 'type' ||
            (node.specifiers.length > 0 && node.specifiers.every((/** @type {any} */ s) => s.importKind === 'type'));
          check(node, node.source, { typeOnly, names: importedNames(node.specifiers) });
        },
        /** @param {any} node */
        ExportNamedDeclaration(node) {
          if (node.source) check(node, node.source, { typeOnly: node.exportKind === 'type', names: importedNames(node.specifiers) });
        },
        /** @param {any} node */
        ExportAllDeclaration(node) {
          check(node, node.source, { typeOnly: node.exportKind === 'type', names: null });
        },
        /** @param {any} node */
        ImportExpression(node) {
          check(node, node.source, { typeOnly: false, names: null });
        },
        /** @param {any} node */
        TSImportEqualsDeclaration(node) {
          if (node.moduleReference?.type === 'TSExternalModuleReference')
            check(node, node.moduleReference.expression, { typeOnly: node.importKind === 'type', names: null });
        },
      };
    },
  };
  return rule;
}
