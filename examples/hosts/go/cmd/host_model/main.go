// Command host_model runs the engine around a model Go built: evaluation, ABS and generation,
// with host-owned training. The model is a nearest-neighbour reader of 8 x 8 thumbnails: it
// remembers, per question wording, which answer went with which picture. The engine evaluates
// it, embeds the pool with it, plans with ABS around its bad cases, the offline world writes
// the data, and the host trains it on the result — printing each round's test figures.
//
//	host_model [-tiny] [WORLD_DIR]     (-tiny: a small world, for tests)
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"dataengine.example/hosts/dataengine"
)

const side = 8

func thumbnail(rgb []byte, width, height int) []float32 {
	sums := make([]float32, side*side*3)
	for y := 0; y < height; y++ {
		for x := 0; x < width; x++ {
			cell := ((y*side/height)*side + x*side/width) * 3
			for c := 0; c < 3; c++ {
				sums[cell+c] += float32(rgb[(y*width+x)*3+c])
			}
		}
	}
	scale := 255 * float32(width*height) / (side * side)
	for i := range sums {
		sums[i] /= scale
	}
	return sums
}

func distance(a, b []float32) float32 {
	var d float32
	for i := range a {
		d += (a[i] - b[i]) * (a[i] - b[i])
	}
	return d
}

type memory struct {
	thumb  []float32
	answer string
}

type nearestNeighbour struct{ seen map[string][]memory } // question -> what went with which picture

func (m *nearestNeighbour) Score(s *dataengine.Sample, rgb []byte, width, height int) []float64 {
	scores := make([]float64, len(s.Options))
	if len(rgb) == 0 {
		return scores
	}
	thumb := thumbnail(rgb, width, height)
	best := map[string]float32{}
	for _, item := range m.seen[s.Question] {
		d := distance(thumb, item.thumb)
		if old, ok := best[item.answer]; !ok || d < old {
			best[item.answer] = d
		}
	}
	for k, option := range s.Options {
		scores[k] = -1e3
		if d, ok := best[option]; ok {
			scores[k] = -float64(d)
		}
	}
	return scores
}

func (m *nearestNeighbour) Train(sources []dataengine.DatasetView, progress func(done, total int64) bool) (float64, error) {
	total := 0
	for _, d := range sources {
		n, err := d.Len()
		if err != nil {
			return 0, err
		}
		total += n
	}
	done, wrong := 0, 0
	for _, d := range sources {
		n, _ := d.Len()
		for i := 0; i < n; i++ {
			s, err := d.Sample(i)
			if err != nil {
				return 0, err
			}
			rgb, w, h, err := d.Image(i)
			if err != nil {
				return 0, err
			}
			if s.Answer < 0 {
				return 0, fmt.Errorf("sample '%s' has no answer", s.ID)
			}
			scores := m.Score(s, rgb, w, h)
			guess := 0
			for k := range scores {
				if scores[k] > scores[guess] {
					guess = k
				}
			}
			if guess != s.Answer {
				wrong++
			}
			m.seen[s.Question] = append(m.seen[s.Question], memory{thumbnail(rgb, w, h), s.Options[s.Answer]})
			done++
			if !progress(int64(done), int64(total)) {
				return 0, fmt.Errorf("stopped by the engine")
			}
		}
	}
	return float64(wrong) / math.Max(float64(done), 1), nil
}

func (m *nearestNeighbour) Embed(rgb []byte, width, height int) []float32 {
	return thumbnail(rgb, width, height)
}
func (m *nearestNeighbour) EmbeddingDim() int { return side * side * 3 }

func line(label string) dataengine.Progress {
	return func(phase string, done, total int64) bool {
		end := ""
		if total > 0 && done >= total {
			end = "\n"
		}
		fmt.Fprintf(os.Stderr, "\r%s %s: %d/%d   %s", label, phase, done, total, end)
		return true
	}
}

func run() error {
	if err := dataengine.CheckABI(); err != nil {
		return err
	}
	tiny := flag.Bool("tiny", false, "a small world, for tests")
	flag.Parse()
	dir := "host_model_world"
	if flag.NArg() > 0 {
		dir = flag.Arg(0)
	}
	rounds, budget := 2, 600
	settings := dataengine.WorldSettings{Seed: 3, PerType: 60, PoolImages: 1500, CaptionImages: 4}
	if *tiny {
		budget = 60
		settings = dataengine.WorldSettings{Seed: 3, PerType: 8, PoolImages: 120, CaptionImages: 4,
			SeedCounts: "scene=20,identity=20,attribute=20,location=20,counting=20,spatial relation=20,interaction=20,reasoning=20,text=20"}
	}
	world, err := dataengine.NewWorld(settings)
	if err != nil {
		return err
	}
	defer world.Close()
	if err := world.Write(dir, line("world")); err != nil {
		return err
	}
	var sets [3]*dataengine.Dataset
	for i, name := range []string{"seed_train", "dev", "test"} {
		if sets[i], err = dataengine.LoadDataset(dir + "/" + name + ".jsonl"); err != nil {
			return err
		}
		defer sets[i].Close()
	}
	seed, dev, test := sets[0], sets[1], sets[2]
	pool, err := world.Pool(dir)
	if err != nil {
		return err
	}
	defer pool.Close()

	model, err := dataengine.NewHostModel(&nearestNeighbour{seen: map[string][]memory{}})
	if err != nil {
		return err
	}
	defer model.Close()
	loss, err := model.Train([]dataengine.TrainSource{{Data: seed, Weight: 1}})
	if err != nil {
		return err
	}
	n, _ := seed.Len()
	fmt.Printf("seed set: %d questions, training loss %.2f\n", n, loss)
	var used []string
	for round := 0; round <= rounds; round++ {
		devReport, err := model.Evaluate(dev, "dev")
		if err != nil {
			return err
		}
		testReport, err := model.Evaluate(test, "test")
		if err != nil {
			return err
		}
		figures, err := testReport.FiguresLine(round)
		testReport.Close()
		if err != nil {
			return err
		}
		fmt.Println(figures)
		if round == rounds {
			devReport.Close()
			break
		}
		if err := pool.Embed(model, line("embed")); err != nil {
			return err
		}
		types, err := devReport.ByType()
		if err != nil {
			return err
		}
		var examples []dataengine.Example
		for _, t := range types {
			ids, err := devReport.BadCases(t.Type)
			if err != nil {
				return err
			}
			for _, id := range ids {
				index, err := dev.Find(id)
				if err != nil {
					return err
				}
				e, err := model.EmbedSample(dev, index)
				if err != nil {
					return err
				}
				examples = append(examples, dataengine.Example{ID: id, Embedding: e})
			}
		}
		plan, err := dataengine.MakePlan(devReport, dev, pool, budget, round, examples, used)
		devReport.Close()
		if err != nil {
			return err
		}
		queries, err := plan.Queries()
		if err != nil {
			return err
		}
		counts := map[string]int{}
		for _, q := range queries {
			used = append(used, q.Image)
			counts[q.Type]++
		}
		generated, err := dataengine.Generate(plan, dev, pool, world, round, line("generate"))
		plan.Close()
		if err != nil {
			return err
		}
		defer generated.Close() // the model may read its data until the end
		var parts []string
		for t, c := range counts {
			parts = append(parts, fmt.Sprintf("%s %d", t, c))
		}
		sort.Strings(parts)
		accepted, _ := generated.Len()
		fmt.Printf("round %d plan: %s; %d of %d generated samples accepted\n", round, strings.Join(parts, ", "), accepted, len(queries))
		if _, err := model.Train([]dataengine.TrainSource{{Data: generated, Weight: 1}}); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "host_model:", err)
		os.Exit(1)
	}
}
