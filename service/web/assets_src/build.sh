#!/usr/bin/env sh
# Rebuild the vendored GOV.UK Frontend files in ../static/govuk from npm (needs Node.js and npm).
# Only needed to change the GOV.UK Frontend version: the built files are committed, so running
# dpaudit never needs Node.js.
set -eu
cd "$(dirname "$0")"
npm ci --ignore-scripts --no-audit --no-fund
npx sass --pkg-importer=node --style=compressed --no-source-map --quiet-deps dpaudit.scss ../static/govuk/govuk-frontend.min.css
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map ../static/govuk/
node -p "require('govuk-frontend/package.json').version" > ../static/govuk/VERSION.txt
rm -rf node_modules
