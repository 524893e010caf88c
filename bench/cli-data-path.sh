#!/usr/bin/env bash
# End-to-end data path of the rtcr CLI against the same bytes through dd and cat (issue 11).
#   bash bench/cli-data-path.sh            # SIZE=256M CHECKPOINTS=3 RUNS=3
# Checkpoint: per-checkpoint cost = (run with CHECKPOINTS checkpoints - the same run without) / CHECKPOINTS,
#   against `dd bs=4M conv=fsync` of one image file.
# Restore: `rtcr restore IMAGE --leave-stopped` minus the same for a 4 KiB sheep_counter image (process
#   start, warm-up, sessions), against `cat IMAGE > /dev/null` (file in the page cache for both).
# Prints the median of RUNS for each figure, in milliseconds. Needs: dotnet, bash, GNU date, dd.
set -euo pipefail
SIZE=${SIZE:-256M}
CHECKPOINTS=${CHECKPOINTS:-3}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
dotnet build -c Release "$ROOT/samples/Rtcr.Host" -v q -nologo >/dev/null
RTCR=(dotnet "$ROOT/samples/Rtcr.Host/bin/Release/net10.0/rtcr.dll")
echo "<config working_set=\"$SIZE\" pattern=\"sequential\" rate=\"1000000000\" interval_ms=\"100\" seed=\"1\"/>" > "$DIR/writer.xml"
RUN=(run memory_writer --config "$DIR/writer.xml" --ram-quota 2G --virtual-time --plain --ticks "$CHECKPOINTS")

ms() { # milliseconds one command takes (its output discarded)
  local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000))
}
median() { tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

with=(); without=(); dd_ms=(); restore=(); small=(); cat_ms=()
for i in $(seq "$RUNS"); do
  rm -rf "$DIR/out"; mkdir -p "$DIR/out"
  with+=("$(ms "${RTCR[@]}" "${RUN[@]}" --checkpoint-every 1 --out "$DIR/out")")
  without+=("$(ms "${RTCR[@]}" "${RUN[@]}")")
  IMAGE=$(ls "$DIR"/out/memory_writer-*.rtcr | tail -1)
  dd_ms+=("$(ms dd if="$IMAGE" of="$DIR/dd.bin" bs=4M conv=fsync)")
  if [ ! -f "$DIR/small.rtcr" ]; then
    "${RTCR[@]}" run sheep_counter --ticks 1 --virtual-time --plain --checkpoint-every 1 --out "$DIR/small" >/dev/null 2>&1
    cp "$(ls "$DIR"/small/*.rtcr | tail -1)" "$DIR/small.rtcr"
  fi
  cat "$IMAGE" > /dev/null
  restore+=("$(ms "${RTCR[@]}" restore "$IMAGE" --leave-stopped --plain)")
  small+=("$(ms "${RTCR[@]}" restore "$DIR/small.rtcr" --leave-stopped --plain)")
  cat_ms+=("$(ms sh -c "cat '$IMAGE' > /dev/null")")
done
W=$(echo "${with[@]}" | median); WO=$(echo "${without[@]}" | median); D=$(echo "${dd_ms[@]}" | median)
R=$(echo "${restore[@]}" | median); S=$(echo "${small[@]}" | median); C=$(echo "${cat_ms[@]}" | median)
PER=$(((W - WO) / CHECKPOINTS)); RES=$((R - S))
echo "image: $(stat -c %s "$IMAGE") bytes; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| figure | ms (median of $RUNS) |"
echo "|---|---:|"
echo "| rtcr run, $CHECKPOINTS checkpoints | $W |"
echo "| rtcr run, no checkpoint | $WO |"
echo "| per checkpoint (pause + write + fsync) | $PER |"
echo "| dd bs=4M conv=fsync of the image | $D |"
echo "| **checkpoint / dd** | $(awk "BEGIN {printf \"%.2f\", $PER / $D}") |"
echo "| rtcr restore --leave-stopped | $R |"
echo "| rtcr restore of a 4 KiB image (fixed cost) | $S |"
echo "| restore of the memory | $RES |"
echo "| cat image > /dev/null | $C |"
echo "| **restore / cat** | $(awk "BEGIN {printf \"%.2f\", $RES / ($C > 0 ? $C : 1)}") |"
