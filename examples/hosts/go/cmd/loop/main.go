// Command loop runs the closed loop on the embedded world with Go in charge of every phase:
// it steps the engine (train, evaluate, plan with ABS, generate), shows a progress line and
// prints each round's test figures as soon as they exist — the same lines, for the same
// settings and seed, as `dataengine loop`. Killed, it resumes on the same -state.
package main

import (
	"flag"
	"fmt"
	"os"

	"dataengine.example/hosts/dataengine"
)

func run() error {
	if err := dataengine.CheckABI(); err != nil {
		return err
	}
	var s dataengine.LoopSettings
	flag.StringVar(&s.State, "state", "dataengine-state", "state directory")
	flag.StringVar(&s.World, "world", "", "world directory (default STATE/world)")
	flag.StringVar(&s.Strategy, "strategy", "", "ABS preset (default gain)")
	for _, f := range []struct {
		name string
		to   *int
	}{{"rounds", &s.Rounds}, {"budget", &s.Budget}, {"seed", &s.Seed}, {"world-seed", &s.WorldSeed}, {"seed-steps", &s.SeedSteps},
		{"round-steps", &s.RoundSteps}, {"stage1-steps", &s.Stage1Steps}, {"dim", &s.Dim}, {"scale", &s.Scale},
		{"ipo-batch", &s.IpoBatch}, {"ipo-rounds", &s.IpoRounds}, {"threads", &s.Threads}} {
		flag.IntVar(f.to, f.name, 0, "as dataengine loop --"+f.name+" (0: the default)")
	}
	flag.Float64Var(&s.MistakeRate, "mistake-rate", 0, "offline generator's share of flawed replies (0: the default)")
	flag.BoolVar(&s.NoIpo, "no-ipo", false, "skip prompt optimisation")
	flag.Parse()

	fmt.Fprintf(os.Stderr, "dataengine %s (ABI %d) from Go\n", dataengine.Version(), dataengine.ABIVersion)
	loop, err := dataengine.NewLoop(s)
	if err != nil {
		return err
	}
	defer loop.Close()
	for {
		round, phase, err := loop.Position()
		if err != nil {
			return err
		}
		if phase == dataengine.PhaseDone {
			break
		}
		place := fmt.Sprintf("round %d %s", round, dataengine.PhaseNames[phase])
		err = loop.StepPhase(func(name string, done, total int64) bool {
			fmt.Fprintf(os.Stderr, "\r%s %s: %d/%d   ", place, name, done, total)
			return true
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "\r%s: done%30s\n", place, "")
		if phase == dataengine.PhaseEvaluate {
			test, err := loop.Report(round, 1)
			if err != nil {
				return err
			}
			line, err := test.FiguresLine(round)
			test.Close()
			if err != nil {
				return err
			}
			fmt.Println(line)
		}
	}
	if err := loop.WriteReports(); err != nil {
		return err
	}
	fmt.Printf("Reports: %[1]s/report.md, %[1]s/summary.json, %[1]s/accuracy.svg\n", s.State)
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loop:", err)
		os.Exit(1)
	}
}
