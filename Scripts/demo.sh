#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the bundled fixtures.
# Usage: Scripts/demo.sh [OUTDIR]   (default: out/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release --product kubuqi-monitor
.build/release/kubuqi-monitor demo -o "${1:-out/demo}"
