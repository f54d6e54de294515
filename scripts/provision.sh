#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing (as root); a no-op when all are present.
set -euo pipefail
# "command-that-must-exist=debian-package" pairs; add one line per system dependency of the tests.
required=(
  "/usr/lib/postgresql/15/bin/initdb=postgresql" # Debian keeps the server binaries off PATH: checked by path
  "/usr/bin/python3=python3"                       # Debian's python3, an independent reader of our exports
  "/usr/lib/python3/dist-packages/msgpack/__init__.py=python3-msgpack" # a module: checked as a file
  "/usr/lib/python3/dist-packages/h5py/__init__.py=python3-h5py"       # reads the NeXus/HDF5 exports
  "/usr/lib/python3/dist-packages/tifffile/__init__.py=python3-tifffile" # reads the TIFF stack exports
  "/usr/lib/python3/dist-packages/pandas/__init__.py=python3-pandas"   # reads the CSV exports
  "/usr/lib/python3/dist-packages/bson/__init__.py=python3-bson"       # writes the mongodump files imports read
  "/usr/bin/script=bsdutils"                       # a pseudo-terminal for the progress bar's test
  "/usr/bin/chromium=chromium"                     # the web page's browser tests (playwright-core drives it)
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf=fonts-dejavu-core" # chromium renders no text without a font
)
need=()
for pair in "${required[@]}"; do
  command -v "${pair%%=*}" >/dev/null 2>&1 || [[ -e "${pair%%=*}" ]] || need+=("${pair#*=}")
done
((${#need[@]} == 0)) && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "provision: missing ${need[*]}; install them with apt-get (needs root)" >&2
  exit 1
fi
echo "provision: installing ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
