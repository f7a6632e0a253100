// Regenerates micromatch.tsv, in a scratch directory holding a copy of this file:
//   npm install micromatch@4.0.8 && node gen-micromatch.js > micromatch.tsv
// Records micromatch 4.0.8's answers ({ dot: true }, as Serverless v3 calls it)
const mm = require('micromatch');
const paths = ['handler.js', 'README.md', '.env', '.gitignore', 'serverless.yml', 'bin/hello',
  'bin/world', 'bin', 'src/handler.js', 'src/handler.test.js', 'src/lib/util.js',
  'src/lib/util.test.js', 'src/.hidden/x.js', 'tests/a.test.js', 'tests/unit/b.js', 'docs/guide.md',
  'config/dev.json', 'config/prod.json', 'config/notes.txt', 'config/nested/x.json',
  'node_modules/uuid/index.js', 'node_modules/uuid/package.json', 'node_modules/lodash/index.js',
  'node_modules/@aws-sdk/client-s3/index.js', 'node_modules/a/node_modules/uuid/index.js',
  'a/b/c/d/e/f/a', 'a', 'b/c/a', 'file1.txt', 'file2.txt', 'file10.txt', 'x/y/z.py',
  'a.b.c', 'café/ü.txt', '[x].txt', 'a*b', 'weird name.txt', 'npm-debug.log', 'yarn-error.log',
  'vendor/github.com/x/y.go', '__pycache__/m.cpython-312.pyc', 'pkg/__pycache__/m.pyc'];
const patterns = ['**', '*', '*.js', '*.md', '**/*.md', '**/*.test.js', 'src/**', 'src/*',
  'src/**/*.js', './bin/**', 'bin/**', 'bin/*', 'bin', 'bin/', './**', 'tests/**', 'tests',
  'config/*.json', 'config/**/*.json', 'node_modules/**', 'node_modules/uuid/**',
  '**/node_modules/uuid/**', 'node_modules/*/index.js', 'node_modules/@aws-sdk/**',
  '{src,tests}/**', 'src/{handler,lib/util}.js', '**/*.{md,txt}', 'file?.txt', 'file[0-9].txt',
  'file[^1].txt', 'file{1,2}.txt', 'file{1..2}.txt', '[[]x].txt', '\\[x\\].txt',
  'a\\*b', 'a*b', '.*', '**/.*', '.env', '*.yml', '**/**/**/a', 'a/**/a', 'a/**/f/a', '**/f/**',
  'a/**', '**/a', 'a/*/c/**', '*/*', '*/*/*', '**/*', '**/index.js', 'node_modules/**/index.js',
  'weird name.txt', 'weird*', 'npm-debug.log*', 'yarn-*.log', '.serverless/**', '.git/**',
  'vendor/**/*.go', '**/__pycache__/**', '**/*.pyc', 'x/**/z.py', 'x/**/y/z.py', 'a.*', '*.*.*',
  'café/*', '**/ü.txt', 'c[a-f]fé/**', '?', '??', '[ab]', 'src/*/util.js', 'src/**/util.js',
  'src/.hidden/**', 'src/*/x.js', '{a,b}', '{a,b/c/a}', 'a{,/b/c/d/e/f/a}', '{x,{y,z}}/**',
  'config/{dev,prod}.json', 'config/{dev,prod,notes}.*', '[[:alpha:]]', 'file[[:digit:]].txt'];
const rows = [];
for (const p of patterns) for (const s of paths) rows.push([p, s, mm.isMatch(s, p, { dot: true }) ? 1 : 0]);
process.stdout.write('# pattern\tpath\tmatch: recorded from micromatch 4.0.8, isMatch(path, pattern, { dot: true })\n');
for (const r of rows) process.stdout.write(r.join('\t') + '\n');
