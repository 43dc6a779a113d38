package dataengine

// C reaches Go through these exported functions. C holds only a number (the handle) for each
// Go value it calls back: the value itself stays in the handle table, out of C's reach. A
// panic in Go code is recovered here and becomes a non-zero return: it never unwinds into C.

/*
#include <stdint.h>
#include "dataengine.h"
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"unsafe"
)

var (
	tableMu sync.Mutex
	table   = map[uintptr]interface{}{}
	next    uintptr
)

func register(v interface{}) uintptr {
	tableMu.Lock()
	defer tableMu.Unlock()
	next++
	table[next] = v
	return next
}

func lookup(h uintptr) interface{} {
	tableMu.Lock()
	defer tableMu.Unlock()
	return table[h]
}

func unregister(h uintptr) {
	tableMu.Lock()
	defer tableMu.Unlock()
	delete(table, h)
}

// HostModel is a model the host built: the engine scores questions, embeds images and trains
// through it.
type HostModel interface {
	// A score per option (higher = more likely) for one question and its image.
	Score(s *Sample, rgb []byte, width, height int) []float64
	// Continue training on the sources; progress(done, total) returns false when the engine
	// asks to stop. Returns the final loss.
	Train(sources []DatasetView, progress func(done, total int64) bool) (float64, error)
	Embed(rgb []byte, width, height int) []float32
	EmbeddingDim() int
}

// guard runs a callback body; a panic or an error becomes a non-zero code for C.
func guard(name string, body func() error) (code C.int32_t) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "host callback %s panicked: %v\n", name, r)
			code = 2
		}
	}()
	if err := body(); err != nil {
		fmt.Fprintf(os.Stderr, "host callback %s: %v\n", name, err)
		return 1
	}
	return 0
}

//export goProgress
func goProgress(phase *C.char, done, total C.int64_t, handle C.uintptr_t) C.int {
	p, _ := lookup(uintptr(handle)).(Progress)
	if p == nil {
		return 0
	}
	return C.int(guard("progress", func() error {
		if !p(C.GoString(phase), int64(done), int64(total)) {
			return fmt.Errorf("stopped")
		}
		return nil
	}))
}

func hostOf(handle C.uintptr_t) HostModel {
	h, _ := lookup(uintptr(handle)).(HostModel)
	return h
}

//export goHostScore
func goHostScore(data *C.de_dataset_t, index C.size_t, rgb *C.uint8_t, width, height C.int32_t, out *C.double, count C.size_t,
	handle C.uintptr_t) C.int32_t {
	return guard("score", func() error {
		s, err := DatasetView{data}.Sample(int(index))
		if err != nil {
			return err
		}
		var pixels []byte
		if rgb != nil {
			pixels = unsafe.Slice((*byte)(unsafe.Pointer(rgb)), int(width)*int(height)*3)
		}
		scores := hostOf(handle).Score(s, pixels, int(width), int(height))
		if len(scores) != int(count) {
			return fmt.Errorf("%d scores for %d options", len(scores), int(count))
		}
		for k, v := range scores {
			unsafe.Slice(out, int(count))[k] = C.double(v)
		}
		return nil
	})
}

//export goHostTrain
func goHostTrain(sources *C.de_train_source, count C.size_t, options *C.de_train_options, loss *C.double,
	handle C.uintptr_t) C.int32_t {
	return guard("train", func() error {
		var views []DatasetView
		for _, s := range unsafe.Slice(sources, int(count)) {
			views = append(views, DatasetView{s.data})
		}
		value, err := hostOf(handle).Train(views, func(done, total int64) bool { return trainProgress(options, done, total) })
		*loss = C.double(value)
		return err
	})
}

//export goHostEmbed
func goHostEmbed(rgb *C.uint8_t, width, height C.int32_t, out *C.float, dim C.size_t, handle C.uintptr_t) C.int32_t {
	return guard("embed", func() error {
		v := hostOf(handle).Embed(unsafe.Slice((*byte)(unsafe.Pointer(rgb)), int(width)*int(height)*3), int(width), int(height))
		if len(v) != int(dim) {
			return fmt.Errorf("%d values for dimension %d", len(v), int(dim))
		}
		for k, x := range v {
			unsafe.Slice(out, int(dim))[k] = C.float(x)
		}
		return nil
	})
}

//export goHostRelease
func goHostRelease(handle C.uintptr_t) {
	unregister(uintptr(handle))
}
