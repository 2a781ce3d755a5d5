#!/usr/bin/env bash
# Copy the front-end packages pinned in package-lock.json into qdialog/static/vendor/.
# Run after changing package.json: `npm ci && bash scripts/vendor-static.sh`, then commit the result.
# At run time qdialog loads nothing from outside; these files are served by whitenoise.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/@kern-ux/native ] || npm ci --no-audit --no-fund
out=qdialog/static/vendor
rm -rf "$out" && mkdir -p "$out/kern/fonts/fira-sans" "$out/htmx"
kern=node_modules/@kern-ux/native
cp "$kern/dist/kern.min.css" "$out/kern/"
cp "$kern/LICENSE.md" "$out/kern/LICENSE.md"
# The weights the interface uses (400, 400 italic, 600, 700); the full family is 4 MB.
for f in Regular Italic SemiBold Bold; do
  cp "$kern/dist/fonts/fira-sans/FiraSans-$f.woff2" "$out/kern/fonts/fira-sans/"
done
cat > "$out/kern/fonts/fira-sans.css" <<'CSS'
/* Subset of @kern-ux/native dist/fonts/fira-sans.css (SIL Open Font License), made by scripts/vendor-static.sh */
@font-face { font-family: 'Fira Sans'; src: url("./fira-sans/FiraSans-Regular.woff2") format('woff2'); font-weight: 400; font-style: normal; font-display: swap; }
@font-face { font-family: 'Fira Sans'; src: url("./fira-sans/FiraSans-Italic.woff2") format('woff2'); font-weight: 400; font-style: italic; font-display: swap; }
@font-face { font-family: 'Fira Sans'; src: url("./fira-sans/FiraSans-SemiBold.woff2") format('woff2'); font-weight: 600; font-style: normal; font-display: swap; }
@font-face { font-family: 'Fira Sans'; src: url("./fira-sans/FiraSans-Bold.woff2") format('woff2'); font-weight: 700; font-style: normal; font-display: swap; }
CSS
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/htmx.org/LICENSE "$out/htmx/LICENSE"
node -e 'const l=require("./package-lock.json").packages;for(const k of ["node_modules/@kern-ux/native","node_modules/htmx.org"])console.log(k.replace("node_modules/",""),l[k].version)' > "$out/VERSIONS"
echo "vendored into $out:"; cat "$out/VERSIONS"
