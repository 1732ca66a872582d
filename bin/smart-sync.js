#!/usr/bin/env node
// The compiled CLI lives in dist/: `npm start` and `npm run build` create it.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'smart-sync.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(
    'smart-sync is not built yet: run `npm run build` in ' + path.dirname(__dirname) + '\n',
  );
  process.exit(1);
}
require(entry);
