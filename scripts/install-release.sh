#!/bin/sh
# Installs a packed Firebreak release (the tarball `npm pack` writes) with production dependencies
# only. The Dockerfile RUNs this script and test/e2e/packed-release.test.ts runs it too, so that
# test stands for the image where no Docker engine is at hand.
#
# Usage: install-release.sh <firebreak-x.y.z.tgz> <package-lock.json> <target-dir>
# Set NPM_CONFIG_OFFLINE=true to install from the npm cache alone (no registry).
set -eu
tarball=$1
lockfile=$2
target=$3

mkdir -p "$target"
# npm pack puts every file under package/.
tar -xzf "$tarball" -C "$target" --strip-components=1
# Firebreak is installed as the root project, from the lockfile CI tested, because package.json's
# `overrides` (undici 7, which Node 20 needs) apply only to a root project, never to a dependency.
cp "$lockfile" "$target/package-lock.json"
cd "$target"
# --ignore-scripts: `prepare` would rebuild from src/, which a release does not ship (dist/ is built).
npm ci --omit=dev --ignore-scripts --no-audit --no-fund
