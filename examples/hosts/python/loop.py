#!/usr/bin/env python3
"""The closed loop on the embedded world, with Python in charge of every phase.

The host steps the engine phase by phase (train, evaluate, plan with ABS, generate), shows a
progress line, and prints each round's test figures as soon as they exist — the same lines,
for the same settings and seed, as `dataengine loop`. Killed, it resumes on the same --state.

  loop.py [--state DIR] [--world DIR] [--rounds N] [--budget N] [--seed N] [--world-seed N]
          [--seed-steps N] [--round-steps N] [--stage1-steps N] [--dim N] [--scale PERCENT]
          [--ipo-batch N] [--ipo-rounds N] [--mistake-rate X] [--threads N] [--no-ipo]
"""
import argparse
import sys

try:
    import dataengine as de
except Exception as e:  # no library, or one of another ABI: say so in one line
    sys.exit(f"loop.py: {e}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for flag in ("rounds", "budget", "seed", "world-seed", "seed-steps", "round-steps", "stage1-steps", "dim", "scale",
                 "ipo-batch", "ipo-rounds", "threads"):
        p.add_argument("--" + flag, type=int)
    p.add_argument("--state", default="dataengine-state")
    p.add_argument("--world")
    p.add_argument("--strategy")
    p.add_argument("--mistake-rate", type=float)
    p.add_argument("--no-ipo", action="store_true")
    args = p.parse_args()

    o = de.loop_options()  # the library's defaults; only what was given changes
    o.state_dir = args.state.encode()
    if args.world:
        o.world_dir = args.world.encode()
    if args.strategy:
        o.strategy = args.strategy.encode()
    for flag, field in (("rounds", "rounds"), ("budget", "budget"), ("seed", "seed"), ("world_seed", "world_seed"),
                        ("seed_steps", "seed_steps"), ("round_steps", "round_steps"), ("stage1_steps", "stage1_steps"),
                        ("dim", "model_dim"), ("scale", "world_scale_percent"), ("ipo_batch", "ipo_batch"),
                        ("ipo_rounds", "ipo_rounds"), ("threads", "threads"), ("mistake_rate", "mistake_rate")):
        value = getattr(args, flag)
        if value is not None:
            setattr(o, field, value)
    if args.no_ipo:
        o.ipo = 0

    print(f"dataengine {de.version()} (ABI {de.ABI_VERSION}) from Python", file=sys.stderr)
    loop = de.Loop(o)
    while True:
        round_number, phase = loop.position()
        if phase == de.PHASE_DONE:
            break
        where = f"round {round_number} {de.PHASE_NAMES[phase]}"

        def progress(name, done, total):
            print(f"\r{where} {name}: {done}/{total}   ", end="", file=sys.stderr, flush=True)
            return False  # keep going

        loop.step_phase(progress)
        print(f"\r{where}: done" + " " * 30, file=sys.stderr)
        if phase == de.PHASE_EVALUATE:
            with loop.report(round_number, 1) as test:
                print(de.figures_line(round_number, test), flush=True)
    loop.write_reports()
    print(f"Reports: {args.state}/report.md, {args.state}/summary.json, {args.state}/accuracy.svg")


if __name__ == "__main__":
    try:
        main()
    except de.DataEngineError as e:
        sys.exit(f"loop.py: {e}")
