package dataengine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tinyWorld(t *testing.T) (*World, string) {
	if err := CheckABI(); err != nil {
		t.Fatal(err)
	}
	w, err := NewWorld(WorldSettings{Seed: 1, PerType: 2, PoolImages: 4, CaptionImages: 1,
		SeedCounts: "scene=6,identity=0,attribute=0,location=0,counting=0,spatial relation=0,interaction=0,reasoning=0,text=0"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := w.Write(dir, nil); err != nil {
		t.Fatal(err)
	}
	return w, dir
}

// A progress callback that panics or says stop ends the call with an *Error, never a crash.
func TestProgressPanicOrStopIsAnError(t *testing.T) {
	w, dir := tinyWorld(t)
	defer w.Close()
	err := w.Write(filepath.Join(dir, "again"), func(string, int64, int64) bool { panic("boom") })
	if e, ok := err.(*Error); !ok || e.Status != -7 {
		t.Fatalf("a panicking callback: got %v", err)
	}
	err = w.Write(filepath.Join(dir, "again"), func(string, int64, int64) bool { return false })
	if e, ok := err.(*Error); !ok || e.Status != -7 || !strings.Contains(e.Message, "writing the world") {
		t.Fatalf("a callback that stops: got %v", err)
	}
}

type panicking struct{}

func (panicking) Score(*Sample, []byte, int, int) []float64 { panic("score is broken") }
func (panicking) Train([]DatasetView, func(int64, int64) bool) (float64, error) {
	return 0, os.ErrInvalid
}
func (panicking) Embed([]byte, int, int) []float32 { return []float32{1, 0, 0} }
func (panicking) EmbeddingDim() int                { return 3 }

// A host model that panics or fails ends evaluate/train with the callback's code in the message;
// Close releases it from the handle table.
func TestHostModelPanicIsAnError(t *testing.T) {
	w, dir := tinyWorld(t)
	defer w.Close()
	test, err := LoadDataset(filepath.Join(dir, "test.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer test.Close()
	before := len(table)
	m, err := NewHostModel(panicking{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Evaluate(test, "test"); err == nil || !strings.Contains(err.Error(), "score callback returned 2") {
		t.Fatalf("evaluate with a panicking score: got %v", err)
	}
	if _, err := m.Train([]TrainSource{{Data: test, Weight: 1}}); err == nil || !strings.Contains(err.Error(), "train callback returned 1") {
		t.Fatalf("train with a failing host: got %v", err)
	}
	if e, err := m.EmbedSample(test, 0); err != nil || len(e) != 3 {
		t.Fatalf("embed: %v %v", e, err)
	}
	m.Close()
	if len(table) != before {
		t.Fatalf("the handle table kept the model: %d entries, %d before", len(table), before)
	}
}
