// Package dataengine is dataengine from Go over cgo: the C ABI of capi/dataengine.h, wrapped.
//
// Handles are Go values with Close; every failed call returns an *Error with the library's
// message. The message is copied inside the same C call that failed (the C shims below):
// de_last_error() is thread-local and a goroutine may run its next cgo call on another thread.
// Callbacks reach Go through exported functions and a handle table (callbacks.go): C never
// holds a Go pointer, only a number. Call CheckABI once at start.
package dataengine

/*
#cgo CFLAGS: -I${SRCDIR}/../../../../capi
#cgo LDFLAGS: -ldataengine
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dataengine.h"

// Exported from Go (callbacks.go). cgo drops const, so the shims adapt the signatures.
extern int goProgress(char * phase, int64_t done, int64_t total, uintptr_t handle);
extern int32_t goHostScore(de_dataset_t * data, size_t index, uint8_t * rgb, int32_t width, int32_t height,
                           double * out, size_t count, uintptr_t handle);
extern int32_t goHostTrain(de_train_source * sources, size_t count, de_train_options * options, double * loss,
                           uintptr_t handle);
extern int32_t goHostEmbed(uint8_t * rgb, int32_t width, int32_t height, float * out, size_t dim, uintptr_t handle);
extern void goHostRelease(uintptr_t handle);

static int progress_shim(const char * phase, int64_t done, int64_t total, void * user_data) {
    return goProgress((char *)phase, done, total, (uintptr_t)user_data);
}
static de_progress_fn progress_fn(uintptr_t handle) { return handle ? progress_shim : NULL; }

static int32_t score_shim(const de_dataset_t * data, size_t index, const uint8_t * rgb, int32_t width, int32_t height,
                          double * out, size_t count, void * user_data) {
    return goHostScore((de_dataset_t *)data, index, (uint8_t *)rgb, width, height, out, count, (uintptr_t)user_data);
}
static int32_t train_shim(const de_train_source * sources, size_t count, const de_train_options * options,
                          double * loss, void * user_data) {
    return goHostTrain((de_train_source *)sources, count, (de_train_options *)options, loss, (uintptr_t)user_data);
}
static int32_t embed_shim(const uint8_t * rgb, int32_t width, int32_t height, float * out, size_t dim, void * user_data) {
    return goHostEmbed((uint8_t *)rgb, width, height, out, dim, (uintptr_t)user_data);
}
static void release_shim(void * user_data) { goHostRelease((uintptr_t)user_data); }

// Reports progress from the host's training to the engine (non-zero: stop).
static int train_progress(const de_train_options * o, int64_t done, int64_t total) {
    return o->progress ? o->progress("train", done, total, o->progress_user_data) : 0;
}

// A call that copies the error message on failure, inside the same C call.
#define SHIM(name, params, args)                                  \
    static de_status go_##name params {                           \
        de_status status = name args;                             \
        if (status != DE_OK) *err = strdup(de_last_error());      \
        return status;                                            \
    }

SHIM(de_world_options_init, (de_world_options * o, char ** err), (o, sizeof *o))
SHIM(de_train_options_init, (de_train_options * o, char ** err), (o, sizeof *o))
SHIM(de_abs_options_init, (de_abs_options * o, char ** err), (o, sizeof *o))
SHIM(de_gen_options_init, (de_gen_options * o, char ** err), (o, sizeof *o))
SHIM(de_loop_options_init, (de_loop_options * o, char ** err), (o, sizeof *o))
SHIM(de_evaluator_options_init, (de_evaluator_options * o, char ** err), (o, sizeof *o))
SHIM(de_world_create, (const de_world_options * o, de_world_t ** out, char ** err), (o, out))
SHIM(de_world_write, (const de_world_t * w, const char * dir, uintptr_t h, char ** err), (w, dir, progress_fn(h), (void *)h))
SHIM(de_world_pool, (const de_world_t * w, const char * dir, de_pool_t ** out, char ** err), (w, dir, out))
SHIM(de_dataset_load, (const char * path, de_dataset_t ** out, char ** err), (path, DE_FORMAT_JSONL, NULL, out))
SHIM(de_dataset_count, (const de_dataset_t * d, size_t * out, char ** err), (d, out))
SHIM(de_dataset_find, (const de_dataset_t * d, const char * id, size_t * out, char ** err), (d, id, out))
SHIM(de_dataset_sample, (const de_dataset_t * d, size_t i, de_sample_info * out, char ** err), (d, i, out))
SHIM(de_dataset_option, (const de_dataset_t * d, size_t i, size_t k, const char ** out, char ** err), (d, i, k, out))
SHIM(de_dataset_image_rgb, (const de_dataset_t * d, size_t i, uint8_t * out, size_t n, int32_t * w, int32_t * h, char ** err),
     (d, i, out, n, w, h))
SHIM(de_report_overall, (const de_report_t * r, de_score * out, char ** err), (r, out))
SHIM(de_report_type_count, (const de_report_t * r, size_t * out, char ** err), (r, out))
SHIM(de_report_type_name, (const de_report_t * r, size_t i, const char ** out, char ** err), (r, i, out))
SHIM(de_report_type_score, (const de_report_t * r, const char * t, de_score * out, char ** err), (r, t, out))
SHIM(de_report_bad_case_count, (const de_report_t * r, const char * t, size_t * out, char ** err), (r, t, out))
SHIM(de_report_bad_case, (const de_report_t * r, const char * t, size_t i, const char ** out, char ** err), (r, t, i, out))
SHIM(de_model_train, (de_model_t * m, const de_train_source * s, size_t n, const de_train_options * o, double * loss, char ** err),
     (m, s, n, o, loss))
SHIM(de_model_evaluate, (de_model_t * m, const de_dataset_t * b, const de_evaluator_options * o, de_report_t ** out, char ** err),
     (m, b, o, out))
SHIM(de_model_embed_sample, (de_model_t * m, const de_dataset_t * d, size_t i, float * out, size_t n, size_t * dim, char ** err),
     (m, d, i, out, n, dim))
SHIM(de_pool_embed, (de_pool_t * p, de_model_t * m, uintptr_t h, char ** err), (p, m, progress_fn(h), (void *)h))
SHIM(de_abs_plan, (const de_report_t * r, const de_dataset_t * b, const de_pool_t * p, const de_abs_options * o, de_plan_t ** out,
                   char ** err), (r, b, p, o, out))
SHIM(de_plan_query_count, (const de_plan_t * p, size_t * out, char ** err), (p, out))
SHIM(de_plan_get_query, (const de_plan_t * p, size_t i, de_plan_query * out, char ** err), (p, i, out))
SHIM(de_generate, (const de_plan_t * p, const de_dataset_t * b, const de_pool_t * pool, const de_gen_options * o, uintptr_t h,
                   de_generation_t ** out, char ** err), (p, b, pool, NULL, o, progress_fn(h), (void *)h, out))
SHIM(de_generation_samples, (const de_generation_t * g, de_dataset_t ** out, char ** err), (g, out))
SHIM(de_loop_create, (const de_loop_options * o, de_loop_t ** out, char ** err), (o, out))
SHIM(de_loop_position, (const de_loop_t * l, int32_t * round, int32_t * phase, char ** err), (l, round, phase))
SHIM(de_loop_step_phase, (de_loop_t * l, uintptr_t h, char ** err), (l, progress_fn(h), (void *)h, NULL))
SHIM(de_loop_report, (const de_loop_t * l, int32_t round, int32_t which, de_report_t ** out, char ** err), (l, round, which, out))
SHIM(de_loop_write_reports, (const de_loop_t * l, char ** err), (l))

static de_status go_model_from_host(uintptr_t handle, size_t dim, de_model_t ** out, char ** err) {
    de_host_model host;
    de_host_model_init(&host, sizeof host);
    host.user_data     = (void *)handle;
    host.score         = score_shim;
    host.train         = train_shim;
    host.embed         = embed_shim;
    host.embedding_dim = dim;
    host.release       = release_shim;
    de_status status = de_model_from_host(&host, out);
    if (status != DE_OK) *err = strdup(de_last_error());
    return status;
}
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// ABIVersion is DE_ABI_VERSION of the header this package was written from.
const ABIVersion = 1

// Error is a failed call: the library's status and message.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (status %d)", e.Message, e.Status) }

func check(status C.de_status, message *C.char, what string) error {
	if status == C.DE_OK {
		return nil
	}
	text := "unknown error"
	if message != nil {
		text = C.GoString(message)
		C.free(unsafe.Pointer(message))
	}
	return &Error{Status: int(status), Message: what + ": " + text}
}

// CheckABI fails when the library loaded is not the ABI this package was written for.
func CheckABI() error {
	if v := int(C.de_abi_version()); v != ABIVersion {
		return &Error{Status: -1, Message: fmt.Sprintf("libdataengine has ABI version %d, this package was written for %d: rebuild against the installed header", v, ABIVersion)}
	}
	return nil
}

// Version is the library's version string.
func Version() string { return C.GoString(C.de_version()) }

// Progress receives (phase, done, total) and returns false to stop the work.
type Progress func(phase string, done, total int64) bool

func progressHandle(p Progress) (C.uintptr_t, func()) {
	if p == nil {
		return 0, func() {}
	}
	h := register(p)
	return C.uintptr_t(h), func() { unregister(h) }
}

// World is the embedded procedural world.
type World struct{ raw *C.de_world_t }

// WorldOptions are the library's defaults for a world.
func WorldOptions() (C.de_world_options, error) {
	var o C.de_world_options
	var e *C.char
	return o, check(C.go_de_world_options_init(&o, &e), e, "de_world_options_init")
}

// WorldSettings are what the examples change of a world's options.
type WorldSettings struct {
	Seed                               int
	PerType, PoolImages, CaptionImages int
	SeedCounts                         string // "" for the defaults
}

func NewWorld(s WorldSettings) (*World, error) {
	o, err := WorldOptions()
	if err != nil {
		return nil, err
	}
	o.seed = C.uint64_t(s.Seed)
	o.per_type, o.pool_images, o.caption_images = C.int32_t(s.PerType), C.int32_t(s.PoolImages), C.int32_t(s.CaptionImages)
	if s.SeedCounts != "" {
		counts := C.CString(s.SeedCounts)
		defer C.free(unsafe.Pointer(counts))
		o.seed_counts = counts
	}
	w := &World{}
	var e *C.char
	return w, check(C.go_de_world_create(&o, &w.raw, &e), e, "de_world_create")
}

func (w *World) Close() { C.de_world_free(w.raw); w.raw = nil }

func (w *World) Write(dir string, p Progress) error {
	d := C.CString(dir)
	defer C.free(unsafe.Pointer(d))
	h, done := progressHandle(p)
	defer done()
	var e *C.char
	return check(C.go_de_world_write(w.raw, d, h, &e), e, "writing the world to "+dir)
}

func (w *World) Pool(dir string) (*Pool, error) {
	d := C.CString(dir)
	defer C.free(unsafe.Pointer(d))
	p := &Pool{}
	var e *C.char
	return p, check(C.go_de_world_pool(w.raw, d, &p.raw, &e), e, "de_world_pool")
}

// Dataset is a set of questions; a DatasetView is one lent to a callback.
type Dataset struct{ DatasetView }

type DatasetView struct{ raw *C.de_dataset_t }

func LoadDataset(path string) (*Dataset, error) {
	p := C.CString(path)
	defer C.free(unsafe.Pointer(p))
	d := &Dataset{}
	var e *C.char
	return d, check(C.go_de_dataset_load(p, &d.raw, &e), e, "loading "+path)
}

func (d *Dataset) Close() { C.de_dataset_free(d.raw); d.raw = nil }

func (d DatasetView) Len() (int, error) {
	var n C.size_t
	var e *C.char
	return int(n), check(C.go_de_dataset_count(d.raw, &n, &e), e, "de_dataset_count")
}

func (d DatasetView) Find(id string) (int, error) {
	s := C.CString(id)
	defer C.free(unsafe.Pointer(s))
	var i C.size_t
	var e *C.char
	return int(i), check(C.go_de_dataset_find(d.raw, s, &i, &e), e, "finding '"+id+"'")
}

// Sample is one question as the C ABI shows it.
type Sample struct {
	ID, Question, Type string
	Options            []string
	Answer             int // -1 when unknown
}

func (d DatasetView) Sample(index int) (*Sample, error) {
	var info C.de_sample_info
	info.struct_size = C.size_t(unsafe.Sizeof(info))
	var e *C.char
	if err := check(C.go_de_dataset_sample(d.raw, C.size_t(index), &info, &e), e, "de_dataset_sample"); err != nil {
		return nil, err
	}
	s := &Sample{ID: C.GoString(info.id), Question: C.GoString(info.question), Type: C.GoString(info._type), Answer: int(info.answer)}
	for k := 0; k < int(info.option_count); k++ {
		var text *C.char
		if err := check(C.go_de_dataset_option(d.raw, C.size_t(index), C.size_t(k), &text, &e), e, "de_dataset_option"); err != nil {
			return nil, err
		}
		s.Options = append(s.Options, C.GoString(text))
	}
	return s, nil
}

// Image returns the sample's image as RGB bytes, width and height.
func (d DatasetView) Image(index int) ([]byte, int, int, error) {
	var w, h C.int32_t
	var e *C.char
	if err := check(C.go_de_dataset_image_rgb(d.raw, C.size_t(index), nil, 0, &w, &h, &e), e, "de_dataset_image_rgb"); err != nil {
		return nil, 0, 0, err
	}
	rgb := make([]byte, int(w)*int(h)*3)
	err := check(C.go_de_dataset_image_rgb(d.raw, C.size_t(index), (*C.uint8_t)(unsafe.Pointer(&rgb[0])), C.size_t(len(rgb)), &w, &h, &e), e,
		"de_dataset_image_rgb")
	return rgb, int(w), int(h), err
}

// Report is an evaluation report.
type Report struct{ raw *C.de_report_t }

func (r *Report) Close() { C.de_report_free(r.raw); r.raw = nil }

func (r *Report) Overall() (float64, error) {
	var s C.de_score
	var e *C.char
	return float64(s.accuracy), check(C.go_de_report_overall(r.raw, &s, &e), e, "de_report_overall")
}

// TypeAccuracy is one question type's accuracy.
type TypeAccuracy struct {
	Type     string
	Accuracy float64
}

// ByType lists the types in the report's (sorted) order.
func (r *Report) ByType() ([]TypeAccuracy, error) {
	var n C.size_t
	var e *C.char
	if err := check(C.go_de_report_type_count(r.raw, &n, &e), e, "de_report_type_count"); err != nil {
		return nil, err
	}
	var out []TypeAccuracy
	for i := 0; i < int(n); i++ {
		var name *C.char
		var s C.de_score
		if err := check(C.go_de_report_type_name(r.raw, C.size_t(i), &name, &e), e, "de_report_type_name"); err != nil {
			return nil, err
		}
		if err := check(C.go_de_report_type_score(r.raw, name, &s, &e), e, "de_report_type_score"); err != nil {
			return nil, err
		}
		out = append(out, TypeAccuracy{C.GoString(name), float64(s.accuracy)})
	}
	return out, nil
}

func (r *Report) BadCases(kind string) ([]string, error) {
	t := C.CString(kind)
	defer C.free(unsafe.Pointer(t))
	var n C.size_t
	var e *C.char
	if err := check(C.go_de_report_bad_case_count(r.raw, t, &n, &e), e, "de_report_bad_case_count"); err != nil {
		return nil, err
	}
	ids := make([]string, 0, int(n))
	for i := 0; i < int(n); i++ {
		var id *C.char
		if err := check(C.go_de_report_bad_case(r.raw, t, C.size_t(i), &id, &e), e, "de_report_bad_case"); err != nil {
			return nil, err
		}
		ids = append(ids, C.GoString(id))
	}
	return ids, nil
}

// FiguresLine is "round R test: type acc | ... | overall acc", as `dataengine loop` prints it.
func (r *Report) FiguresLine(round int) (string, error) {
	types, err := r.ByType()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "round %d test:", round)
	for _, t := range types {
		fmt.Fprintf(&b, " %s %.1f |", t.Type, 100*t.Accuracy)
	}
	overall, err := r.Overall()
	fmt.Fprintf(&b, " overall %.1f", 100*overall)
	return b.String(), err
}

// Model is the built-in model or the host's own (NewHostModel).
type Model struct{ raw *C.de_model_t }

func (m *Model) Close() { C.de_model_free(m.raw); m.raw = nil }

// TrainSource is a dataset and its sampling weight.
type TrainSource struct {
	Data   *Dataset
	Weight float64
}

func (m *Model) Train(sources []TrainSource) (float64, error) {
	var o C.de_train_options
	var e *C.char
	if err := check(C.go_de_train_options_init(&o, &e), e, "de_train_options_init"); err != nil {
		return 0, err
	}
	list := (*C.de_train_source)(C.malloc(C.size_t(len(sources)) * C.size_t(unsafe.Sizeof(C.de_train_source{}))))
	defer C.free(unsafe.Pointer(list))
	items := unsafe.Slice(list, len(sources))
	for i, s := range sources {
		items[i] = C.de_train_source{data: s.Data.raw, kind: C.DE_SOURCE_QUESTIONS, weight: C.double(s.Weight)}
	}
	var loss C.double
	return float64(loss), check(C.go_de_model_train(m.raw, list, C.size_t(len(sources)), &o, &loss, &e), e, "de_model_train")
}

func (m *Model) Evaluate(benchmark *Dataset, name string) (*Report, error) {
	var o C.de_evaluator_options
	var e *C.char
	if err := check(C.go_de_evaluator_options_init(&o, &e), e, "de_evaluator_options_init"); err != nil {
		return nil, err
	}
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	o.circular, o.benchmark = 1, n
	r := &Report{}
	return r, check(C.go_de_model_evaluate(m.raw, benchmark.raw, &o, &r.raw, &e), e, "de_model_evaluate")
}

func (m *Model) EmbedSample(data *Dataset, index int) ([]float32, error) {
	out := make([]float32, 4096)
	var dim C.size_t
	var e *C.char
	err := check(C.go_de_model_embed_sample(m.raw, data.raw, C.size_t(index), (*C.float)(unsafe.Pointer(&out[0])), C.size_t(len(out)), &dim, &e), e,
		"de_model_embed_sample")
	return out[:int(dim)], err
}

// Pool is the unlabeled image pool ABS picks from.
type Pool struct{ raw *C.de_pool_t }

func (p *Pool) Close() { C.de_pool_free(p.raw); p.raw = nil }

func (p *Pool) Embed(m *Model, progress Progress) error {
	h, done := progressHandle(progress)
	defer done()
	var e *C.char
	return check(C.go_de_pool_embed(p.raw, m.raw, h, &e), e, "de_pool_embed")
}

// Example is a bad case and the embedding of its image, for similar-image queries.
type Example struct {
	ID        string
	Embedding []float32
}

// Plan is what ABS decided to generate.
type Plan struct{ raw *C.de_plan_t }

func (p *Plan) Close() { C.de_plan_free(p.raw); p.raw = nil }

// MakePlan runs ABS with the default (gain-aware) rule; used pool ids are not planned again.
func MakePlan(r *Report, benchmark *Dataset, pool *Pool, budget, seed int, examples []Example, used []string) (*Plan, error) {
	var o C.de_abs_options
	var e *C.char
	if err := check(C.go_de_abs_options_init(&o, &e), e, "de_abs_options_init"); err != nil {
		return nil, err
	}
	o.budget, o.seed = C.int32_t(budget), C.uint64_t(seed)
	// Arrays handed to C are C memory: C must not hold Go pointers to Go pointers.
	cstrings := func(list []string) (**C.char, func()) {
		if len(list) == 0 {
			return nil, func() {}
		}
		array := (**C.char)(C.malloc(C.size_t(len(list)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		items := unsafe.Slice(array, len(list))
		for i, s := range list {
			items[i] = C.CString(s)
		}
		return array, func() {
			for _, s := range items {
				C.free(unsafe.Pointer(s))
			}
			C.free(unsafe.Pointer(array))
		}
	}
	ids := make([]string, len(examples))
	for i, x := range examples {
		ids[i] = x.ID
	}
	idArray, freeIDs := cstrings(ids)
	defer freeIDs()
	usedArray, freeUsed := cstrings(used)
	defer freeUsed()
	o.example_ids, o.example_count = idArray, C.size_t(len(examples))
	if len(examples) > 0 {
		dim := len(examples[0].Embedding)
		vectors := (*C.float)(C.malloc(C.size_t(len(examples)*dim) * C.size_t(unsafe.Sizeof(C.float(0)))))
		defer C.free(unsafe.Pointer(vectors))
		values := unsafe.Slice(vectors, len(examples)*dim)
		for i, x := range examples {
			for k, v := range x.Embedding {
				values[i*dim+k] = C.float(v)
			}
		}
		o.example_embeddings, o.embedding_dim = vectors, C.size_t(dim)
	}
	o.used_images, o.used_count = usedArray, C.size_t(len(used))
	p := &Plan{}
	return p, check(C.go_de_abs_plan(r.raw, benchmark.raw, pool.raw, &o, &p.raw, &e), e, "de_abs_plan")
}

// Query is one planned sample: its type and the pool image.
type Query struct{ Type, Image string }

func (p *Plan) Queries() ([]Query, error) {
	var n C.size_t
	var e *C.char
	if err := check(C.go_de_plan_query_count(p.raw, &n, &e), e, "de_plan_query_count"); err != nil {
		return nil, err
	}
	out := make([]Query, 0, int(n))
	for i := 0; i < int(n); i++ {
		var q C.de_plan_query
		if err := check(C.go_de_plan_get_query(p.raw, C.size_t(i), &q, &e), e, "de_plan_get_query"); err != nil {
			return nil, err
		}
		out = append(out, Query{C.GoString(q._type), C.GoString(q.image_id)})
	}
	return out, nil
}

// Generate runs a plan with the world's offline generator and returns the accepted samples.
func Generate(p *Plan, benchmark *Dataset, pool *Pool, w *World, round int, progress Progress) (*Dataset, error) {
	var o C.de_gen_options
	var e *C.char
	if err := check(C.go_de_gen_options_init(&o, &e), e, "de_gen_options_init"); err != nil {
		return nil, err
	}
	prefix := C.CString(fmt.Sprintf("r%d", round))
	defer C.free(unsafe.Pointer(prefix))
	o.world, o.round, o.seed, o.id_prefix = w.raw, C.int32_t(round), C.uint64_t(round), prefix
	h, done := progressHandle(progress)
	defer done()
	var g *C.de_generation_t
	if err := check(C.go_de_generate(p.raw, benchmark.raw, pool.raw, &o, h, &g, &e), e, "de_generate"); err != nil {
		return nil, err
	}
	defer C.de_generation_free(g)
	d := &Dataset{}
	return d, check(C.go_de_generation_samples(g, &d.raw, &e), e, "de_generation_samples")
}

// trainProgress reports the host's training progress to the engine; false: stop.
func trainProgress(o *C.de_train_options, done, total int64) bool {
	return C.train_progress(o, C.int64_t(done), C.int64_t(total)) == 0
}

// NewHostModel wraps the host's own model; Close releases it from the handle table.
func NewHostModel(host HostModel) (*Model, error) {
	h := register(host)
	m := &Model{}
	var e *C.char
	if err := check(C.go_model_from_host(C.uintptr_t(h), C.size_t(host.EmbeddingDim()), &m.raw, &e), e, "de_model_from_host"); err != nil {
		unregister(h)
		return nil, err
	}
	return m, nil
}

// Loop is the engine's closed loop on a state directory.
type Loop struct{ raw *C.de_loop_t }

// LoopSettings: zero values keep the library's defaults.
type LoopSettings struct {
	State, World, Strategy                             string
	Rounds, Budget, SeedSteps, RoundSteps, Stage1Steps int
	Dim, Scale, IpoBatch, IpoRounds, Threads           int
	Seed, WorldSeed                                    int
	MistakeRate                                        float64
	NoIpo                                              bool
}

func NewLoop(s LoopSettings) (*Loop, error) {
	var o C.de_loop_options
	var e *C.char
	if err := check(C.go_de_loop_options_init(&o, &e), e, "de_loop_options_init"); err != nil {
		return nil, err
	}
	var keep []*C.char
	defer func() {
		for _, p := range keep {
			C.free(unsafe.Pointer(p))
		}
	}()
	text := func(s string) *C.char { p := C.CString(s); keep = append(keep, p); return p }
	if s.State != "" {
		o.state_dir = text(s.State)
	}
	if s.World != "" {
		o.world_dir = text(s.World)
	}
	if s.Strategy != "" {
		o.strategy = text(s.Strategy)
	}
	set := func(field *C.int32_t, v int) {
		if v != 0 {
			*field = C.int32_t(v)
		}
	}
	set(&o.rounds, s.Rounds)
	set(&o.budget, s.Budget)
	set(&o.seed_steps, s.SeedSteps)
	set(&o.round_steps, s.RoundSteps)
	set(&o.stage1_steps, s.Stage1Steps)
	set(&o.model_dim, s.Dim)
	set(&o.world_scale_percent, s.Scale)
	set(&o.ipo_batch, s.IpoBatch)
	set(&o.ipo_rounds, s.IpoRounds)
	set(&o.threads, s.Threads)
	o.seed, o.world_seed = C.uint64_t(s.Seed), C.uint64_t(s.WorldSeed)
	if s.MistakeRate != 0 {
		o.mistake_rate = C.double(s.MistakeRate)
	}
	if s.NoIpo {
		o.ipo = 0
	}
	l := &Loop{}
	return l, check(C.go_de_loop_create(&o, &l.raw, &e), e, "de_loop_create")
}

func (l *Loop) Close() { C.de_loop_free(l.raw); l.raw = nil }

// Phases, as DE_PHASE_*.
const (
	PhaseTrain = iota
	PhaseEvaluate
	PhasePlan
	PhaseGenerate
	PhaseDone
)

var PhaseNames = []string{"train", "evaluate", "plan", "generate", "done"}

func (l *Loop) Position() (round, phase int, err error) {
	var r, p C.int32_t
	var e *C.char
	err = check(C.go_de_loop_position(l.raw, &r, &p, &e), e, "de_loop_position")
	return int(r), int(p), err
}

func (l *Loop) StepPhase(progress Progress) error {
	h, done := progressHandle(progress)
	defer done()
	var e *C.char
	return check(C.go_de_loop_step_phase(l.raw, h, &e), e, "de_loop_step_phase")
}

// Report of a round: which 0 dev, 1 test.
func (l *Loop) Report(round, which int) (*Report, error) {
	r := &Report{}
	var e *C.char
	return r, check(C.go_de_loop_report(l.raw, C.int32_t(round), C.int32_t(which), &r.raw, &e), e, "de_loop_report")
}

func (l *Loop) WriteReports() error {
	var e *C.char
	return check(C.go_de_loop_write_reports(l.raw, &e), e, "de_loop_write_reports")
}
