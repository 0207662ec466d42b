#!/usr/bin/env bash
# Puts the four MNIST IDX files into data/mnist (used by `make data`).
#
# When ../shared/mnist exists next to the repository (the development machines), its files are
# copied; otherwise they are downloaded from the CVDF mirror. Either way the decompressed files
# are checked against the canonical MD5s below and nothing is left behind on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/mnist"
shared="$here/../../shared/mnist"
mirror="https://storage.googleapis.com/cvdf-datasets/mnist"

# MD5 of each decompressed file (as listed in ../shared/mnist/README.md).
declare -A md5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

tmp="$(mktemp -d "$here/.mnist.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

if [ -d "$shared" ]; then
  echo "copying MNIST from $(cd "$shared" && pwd)"
  for f in "${files[@]}"; do cp "$shared/$f.gz" "$tmp/$f.gz"; chmod 644 "$tmp/$f.gz"; done
else
  command -v curl >/dev/null || { echo "error: curl is needed to download MNIST (apt-get install curl)" >&2; exit 1; }
  echo "downloading MNIST from $mirror"
  for f in "${files[@]}"; do
    curl -fsSL --retry 3 -o "$tmp/$f.gz" "$mirror/$f.gz" \
      || { echo "error: could not download $mirror/$f.gz" >&2; exit 1; }
  done
fi

for f in "${files[@]}"; do
  sum="$(gzip -dc "$tmp/$f.gz" | md5sum | cut -d' ' -f1)" \
    || { echo "error: $f.gz is not a valid gzip file" >&2; exit 1; }
  if [ "$sum" != "${md5[$f]}" ]; then
    echo "error: $f has MD5 $sum, expected ${md5[$f]}" >&2
    exit 1
  fi
  echo "  $f.gz: MD5 of contents OK"
done

mkdir -p "$dest"
for f in "${files[@]}"; do mv -f "$tmp/$f.gz" "$dest/$f.gz"; done
echo "MNIST is in $dest"
