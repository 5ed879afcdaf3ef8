#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
# Real-data tests read ../shared/data/real/; outside CI they skip with a message if it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
