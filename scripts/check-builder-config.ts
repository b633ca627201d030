/**
 * Offline validation of electron.builder.yml (packaging itself needs the internet, so CI checks
 * the configuration instead): `npm run check:builder [-- --require-build]`.
 *
 * 1. electron-builder's own validation (app-builder-lib validateConfiguration: its JSON schema
 *    scheme.json and its deprecation checks), falling back to ajv + scheme.json if that internal
 *    module moves;
 * 2. TutorDesk's rules: appId, productName, output folder, files, targets (Linux AppImage + deb,
 *    Windows nsis, macOS dmg), categories, and icons that exist and really are PNG/ICO/ICNS of the
 *    right sizes;
 * 3. when the app has been built (always with --require-build): the entry files exist, and the
 *    main and preload bundles import nothing but `electron` and Node built-ins (the package ships
 *    no node_modules), the preload being CommonJS.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Width/height of a PNG (IHDR), or null when the bytes are not a PNG. */
export function pngSize(buf: Buffer): { width: number; height: number } | null {
  const sig = '89504e470d0a1a0a';
  if (buf.length < 24 || buf.subarray(0, 8).toString('hex') !== sig || buf.subarray(12, 16).toString('ascii') !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Sizes stored in a .ico file (0 in the directory means 256), or null when it is not an ICO. */
export function icoSizes(buf: Buffer): number[] | null {
  if (buf.length < 6 || buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) return null;
  const count = buf.readUInt16LE(4);
  if (count === 0 || buf.length < 6 + 16 * count) return null;
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const e = 6 + 16 * i;
    const w = buf.readUInt8(e) || 256;
    const bytes = buf.readUInt32LE(e + 8);
    const offset = buf.readUInt32LE(e + 12);
    if (offset + bytes > buf.length) return null;
    sizes.push(w);
  }
  return sizes;
}

/** Chunk types of a .icns file, or null when it is not a well-formed ICNS. */
export function icnsTypes(buf: Buffer): string[] | null {
  if (buf.length < 8 || buf.subarray(0, 4).toString('ascii') !== 'icns' || buf.readUInt32BE(4) !== buf.length) return null;
  const types: string[] = [];
  for (let off = 8; off < buf.length;) {
    if (off + 8 > buf.length) return null;
    const len = buf.readUInt32BE(off + 4);
    if (len < 8 || off + len > buf.length) return null;
    types.push(buf.subarray(off, off + 4).toString('ascii'));
    off += len;
  }
  return types;
}

const asList = (v: unknown): string[] => {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v))
    return v.map((t) => (typeof t === 'string' ? t : isObj(t) && typeof t['target'] === 'string' ? t['target'] : '')).filter(Boolean);
  if (isObj(v) && typeof v['target'] === 'string') return [v['target']];
  return [];
};

/** electron-builder's own validation; returns an error message or null. */
export async function validateWithElectronBuilder(config: Json, modulesRoot: string): Promise<string | null> {
  const require = createRequire(join(modulesRoot, 'package.json'));
  try {
    const mod = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration?: (c: unknown, logger: { isEnabled: boolean; add(k: string, v: unknown): void }) => Promise<void>;
    };
    if (typeof mod.validateConfiguration === 'function') {
      await mod.validateConfiguration(structuredClone(config), { isEnabled: false, add: () => undefined });
      return null;
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!/Cannot find module/.test(message)) return message;
  }
  // Fallback: the published JSON schema with ajv.
  const Ajv = require('ajv') as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown[] } };
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as Json;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  return validate(config) ? null : `electron-builder schema: ${JSON.stringify(validate.errors).slice(0, 2000)}`;
}

/** Bare module specifiers imported by a built bundle (ESM `import … from`, dynamic import, require). */
export function importedModules(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\bimport\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) if (m[1]) found.add(m[1]);
  return [...found];
}

const builtins = new Set(builtinModules);
export const isAllowedRuntimeImport = (spec: string): boolean =>
  spec === 'electron' || spec.startsWith('node:') || builtins.has(spec) || spec.startsWith('./') || spec.startsWith('../');

export interface CheckOptions {
  root: string;
  configFile?: string;
  requireBuild?: boolean;
  /** Where electron-builder is installed (defaults to root). */
  modulesRoot?: string;
}

export async function checkBuilderConfig(options: CheckOptions): Promise<{ problems: string[]; notes: string[] }> {
  const root = resolve(options.root);
  const problems: string[] = [];
  const notes: string[] = [];
  const file = resolve(root, options.configFile ?? 'electron.builder.yml');
  if (!existsSync(file)) return { problems: [`${file} does not exist`], notes };

  let config: unknown;
  try {
    config = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problems: [`${file} is not valid YAML: ${(err as Error).message}`], notes };
  }
  if (!isObj(config)) return { problems: [`${file} must contain a mapping`], notes };

  const schemaError = await validateWithElectronBuilder(config, resolve(options.modulesRoot ?? root));
  if (schemaError) problems.push(schemaError);
  else notes.push('electron-builder schema validation passed');

  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Json;
  const get = (path: string): unknown => path.split('.').reduce<unknown>((v, k) => (isObj(v) ? v[k] : undefined), config);

  const appId = get('appId');
  if (typeof appId !== 'string' || !/^[a-z][a-z0-9-]*(\.[a-z0-9-]+){2,}$/i.test(appId))
    problems.push(`appId must be a reverse-DNS id (got ${String(appId)})`);
  if (get('productName') !== 'TutorDesk') problems.push(`productName must be TutorDesk (got ${String(get('productName'))})`);
  if (pkg['productName'] !== undefined && pkg['productName'] !== get('productName'))
    problems.push('productName differs from package.json productName');
  if (get('directories.output') !== 'dist') problems.push('directories.output must be dist');

  const files = asList(get('files'));
  for (const required of ['out/**', 'package.json']) if (!files.includes(required)) problems.push(`files must include ${required}`);
  if (pkg['main'] !== './out/main/index.js' && pkg['main'] !== 'out/main/index.js')
    problems.push(`package.json main must be ./out/main/index.js (got ${String(pkg['main'])})`);

  const linuxTargets = asList(get('linux.target'));
  for (const t of ['AppImage', 'deb']) if (!linuxTargets.includes(t)) problems.push(`linux.target must include ${t}`);
  if (typeof get('linux.category') !== 'string') problems.push('linux.category is required');
  if (typeof get('linux.maintainer') !== 'string' || !/<[^>@\s]+@[^>\s]+>/.test(String(get('linux.maintainer')))) {
    problems.push('linux.maintainer must be "Name <e-mail>" (the deb needs it)');
  }
  if (!asList(get('win.target')).includes('nsis')) problems.push('win.target must include nsis');
  if (!asList(get('mac.target')).includes('dmg')) problems.push('mac.target must include dmg');
  if (!/^public\.app-category\.[a-z-]+$/.test(String(get('mac.category'))))
    problems.push('mac.category must be a public.app-category.* value');

  // Icons.
  const resourcesDir = resolve(root, String(get('directories.buildResources') ?? 'build'));
  const readIfExists = (rel: string): Buffer | null => {
    const p = resolve(root, rel);
    return existsSync(p) && statSync(p).isFile() ? readFileSync(p) : null;
  };
  const main = readIfExists(join(resourcesDir, 'icon.png'));
  const mainSize = main ? pngSize(main) : null;
  if (!mainSize || mainSize.width < 512 || mainSize.width !== mainSize.height)
    problems.push('resources/icon.png must be a square PNG of at least 512x512');

  const linuxIcon = get('linux.icon');
  if (typeof linuxIcon !== 'string') problems.push('linux.icon is required');
  else {
    const dir = resolve(root, linuxIcon);
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      for (const size of [256, 512]) {
        const buf = readIfExists(join(dir, `${size}x${size}.png`));
        const s = buf ? pngSize(buf) : null;
        if (!s || s.width !== size || s.height !== size) problems.push(`${linuxIcon}/${size}x${size}.png must be a ${size}x${size} PNG`);
      }
    } else {
      const buf = readIfExists(linuxIcon);
      const s = buf ? pngSize(buf) : null;
      if (!s || s.width < 256) problems.push(`linux.icon ${linuxIcon} must be a PNG of at least 256x256 or a folder of NxN.png`);
    }
  }
  const winIcon = get('win.icon');
  if (typeof winIcon !== 'string') problems.push('win.icon is required');
  else {
    const buf = readIfExists(winIcon);
    const sizes = buf ? icoSizes(buf) : null;
    if (!sizes || !sizes.includes(256)) problems.push(`win.icon ${winIcon} must be an .ico containing a 256x256 image`);
  }
  const macIcon = get('mac.icon');
  if (typeof macIcon !== 'string') problems.push('mac.icon is required');
  else {
    const buf = readIfExists(macIcon);
    const types = buf ? icnsTypes(buf) : null;
    if (!types || !types.includes('ic09') || !types.includes('ic10'))
      problems.push(`mac.icon ${macIcon} must be an .icns with 512 and 1024 px images (ic09, ic10)`);
  }

  // The built app, when present.
  const built = {
    main: join(root, 'out/main/index.js'),
    preload: join(root, 'out/preload/index.cjs'),
    renderer: join(root, 'out/renderer/index.html'),
  };
  if (!existsSync(built.main) && !options.requireBuild) {
    notes.push('out/ not built: bundle checks skipped (run `npm run build`, or pass --require-build)');
  } else {
    for (const [name, p] of Object.entries(built)) if (!existsSync(p)) problems.push(`built ${name} missing: ${p}`);
    for (const name of ['main', 'preload'] as const) {
      if (!existsSync(built[name])) continue;
      const code = readFileSync(built[name], 'utf8');
      const bad = importedModules(code).filter((m) => !isAllowedRuntimeImport(m));
      if (bad.length) problems.push(`out/${name} imports packages that are not shipped: ${bad.join(', ')}`);
      if (name === 'preload' && /^\s*(import|export)\s/m.test(code))
        problems.push('out/preload/index.cjs must be CommonJS (found import/export statements)');
      if (name === 'preload') {
        const req = importedModules(code).filter((m) => m !== 'electron');
        if (req.length) problems.push(`the sandboxed preload may only require electron (found ${req.join(', ')})`);
      }
    }
    if (problems.length === 0) notes.push('built bundles checked');
  }
  return { problems, notes };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const { problems, notes } = await checkBuilderConfig({ root, requireBuild: process.argv.includes('--require-build') });
  for (const n of notes) console.log(`✓ ${n}`);
  if (problems.length) {
    console.error(`electron.builder.yml: ${problems.length} problem(s):`);
    for (const p of problems) console.error(`  ✗ ${p}`);
    process.exit(1);
  }
  console.log('electron.builder.yml is valid.');
}
