#!/bin/sh
# A person reviews an IPO batch at the terminal, driven through tmux (send-keys, capture-pane):
# accept one sample, reject one with a category and a comment, quit; the verdicts are on disk;
# run the same command again, which continues with the next sample, and finish the batch.
# Usage: ipo_tty.sh DATAENGINE WORKDIR. Exit 77 (skipped) without tmux.
set -eu
cli=$1
work=$2
command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed: skipped"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
state="$work/state"
"$cli" world --seed 2 --out "$state/world" --per-type 4 --pool 200 --captions 10 --no-circular >/dev/null 2>&1
session="de-ipo-$$"
socket="$work/tmux.sock"
tmx() { tmux -S "$socket" "$@"; }
trap 'tmx kill-server >/dev/null 2>&1 || true' EXIT

start() {
  # The pane stays after the program exits so that its last screen can be read.
  tmx new-session -d -s "$session" -x 160 -y 50 \
    "'$cli' ipo --state '$state' --review tty --batch 8 --rounds 1 --target 1.0 --mistake-rate 0.3; echo IPO-EXITED; sleep 60"
}
screen() { tmx capture-pane -p -S -2000 -t "$session"; }
# Waits until the pane shows $1 (up to 20 s).
wait_for() {
  i=0
  while ! screen | grep -q -- "$1"; do
    i=$((i + 1))
    [ $i -gt 200 ] && { echo "timed out waiting for '$1'; screen:"; screen; exit 1; }
    sleep 0.1
  done
}
# How many times the pane shows $1.
count() { screen | grep -c -- "$1" || true; }
verdicts() { grep -o '"verdict":{' "$state/ipo.json" | wc -l | tr -d ' '; }

start
wait_for "\[a\]ccept"
screen | grep -q "Question:" || { echo "no question shown"; screen; exit 1; }
screen | grep -q "marked answer" || { echo "no marked answer shown"; screen; exit 1; }
screen | grep -q "image: .*pool-" || { echo "no image path shown"; screen; exit 1; }
tmx send-keys -t "$session" "a" Enter
wait_for "sample 2 of\|sample 3 of\|sample 4 of"
tmx send-keys -t "$session" "r" Enter
wait_for "category number"
tmx send-keys -t "$session" "1" Enter
wait_for "comment"
tmx send-keys -t "$session" "the count is wrong" Enter
sleep 0.3
i=0
while [ "$(count '\[a\]ccept')" -lt 3 ]; do
  i=$((i + 1))
  [ $i -gt 200 ] && { echo "timed out waiting for the third sample"; screen; exit 1; }
  sleep 0.1
done
tmx send-keys -t "$session" "q" Enter
wait_for "IPO-EXITED"
screen | grep -q "Review stopped" || { echo "no 'Review stopped' after quitting"; screen; exit 1; }
[ "$(verdicts)" -eq 2 ] || { echo "expected 2 verdicts on disk after quitting, found $(verdicts)"; exit 1; }
grep -q '"comment":"the count is wrong"' "$state/ipo.json" || { echo "the comment was not saved"; exit 1; }
grep -q '"category":"wrong_answer"' "$state/ipo.json" || { echo "the category was not saved"; exit 1; }
tmx kill-session -t "$session"

# Resume: accept everything that is left.
start
wait_for "\[a\]ccept"
i=0
while ! screen | grep -q "IPO-EXITED"; do
  i=$((i + 1))
  [ $i -gt 600 ] && { echo "the resumed session did not end"; screen; exit 1; }
  # Answer only a fresh prompt (the last line on screen, nothing typed after it yet).
  if screen | grep -v '^ *$' | tail -1 | grep -q '\[a\]ccept.*> *$'; then tmx send-keys -t "$session" "a" Enter; fi
  sleep 0.1
done
screen | grep -q "Best prompt" || { echo "the resumed session did not finish"; screen; exit 1; }
total=$(grep -o '"sample":{' "$state/ipo.json" | wc -l | tr -d ' ')
[ "$(verdicts)" -eq "$total" ] || { echo "expected $total verdicts, found $(verdicts)"; exit 1; }
[ -s "$state/ipo.md" ] && [ -s "$state/ipo.svg" ] || { echo "no reports"; exit 1; }
echo "ipo tty review: 2 verdicts, quit, resumed, $total verdicts in all"
