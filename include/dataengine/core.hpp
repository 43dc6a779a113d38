// include/dataengine/core.hpp: errors, logging, seeded randomness, a thread pool, progress
// reporting, atomic file writes and JSON output (DESIGN §2, module `core`).
// Every other module builds on this one; it depends on the C++ standard library alone.
#pragma once
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dataengine {

// ---------------------------------------------------------------------------------------------
// Status and errors. Values equal the C ABI's de_status codes and are never renumbered.
enum class Status : int32_t {
    Ok          = 0,
    Invalid     = -1,   // a bad argument or option
    NoMemory    = -2,
    Io          = -3,   // a file could not be opened, read or written
    Format      = -4,   // malformed input: JSON, TSV, base64, a field of the wrong type
    NotFound    = -5,   // no such id, type or file
    Range       = -6,   // an index or value out of range
    Aborted     = -7,   // a callback asked to stop
    Unsupported = -8,   // a format or feature this build does not have
    Limit       = -9,   // input over a configured limit (image bytes or pixels, ...)
    Internal    = -100,
};

// Short lowercase name, e.g. "format". Never NULL.
const char * status_name(Status status);

// Thrown when the caller cannot go on. what() names the file, line or record and the problem.
class Error : public std::runtime_error {
public:
    Error(Status status, const std::string & message);
    Status status() const noexcept { return status_; }
private:
    Status status_;
};

// ---------------------------------------------------------------------------------------------
// Logging. One process-wide sink; the default writes "dataengine: <level>: msg" to stderr.
enum class LogLevel : int32_t { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };
using LogSink = std::function<void(LogLevel level, std::string_view message)>;

// Replaces the sink (an empty function restores the default). Thread-safe; the sink itself may
// be called from any thread, one message at a time.
void     set_log_sink(LogSink sink);
void     set_log_level(LogLevel level);  // messages below it are dropped (default Info)
LogLevel log_level();
void     log(LogLevel level, std::string_view message);

// ---------------------------------------------------------------------------------------------
// Seeded randomness: xoshiro256** seeded through splitmix64, identical on every platform (unlike
// std::uniform_int_distribution), so "deterministic for a seed" holds across compilers.
class Rng {
public:
    explicit Rng(uint64_t seed = 0);
    uint64_t next();                 // 64 random bits
    uint64_t below(uint64_t bound);  // uniform in [0, bound), unbiased; bound > 0
    double   uniform();              // uniform in [0, 1)
    double   normal();               // standard normal (Box-Muller)
    Rng      fork(uint64_t stream) const;  // an independent generator for a sub-task
    template <class T> void shuffle(std::vector<T> & items) {
        for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
    }
private:
    uint64_t state_[4];
};

// Stable 64-bit hash (FNV-1a) for sharding and seeding: same value on every platform and run.
uint64_t stable_hash(std::string_view text);

// Positions of items by string id, for containers that own the ids: an open-addressing table
// of (hash, position) that compares ids through `id_at(position)`, so no id is copied and no node
// is allocated per item. Positions stay valid when the container reallocates.
class IdIndex {
public:
    static constexpr size_t npos = SIZE_MAX;

    template <class IdAt>
    size_t find(std::string_view id, const IdAt & id_at) const {
        if (slots_.empty()) return npos;
        const uint64_t hash = hash_of(id);
        for (size_t i = hash & mask();; i = (i + 1) & mask()) {
            const Slot & slot = slots_[i];
            if (slot.pos == npos) return npos;
            if (slot.hash == hash && std::string_view(id_at(slot.pos)) == id) return slot.pos;
        }
    }
    // Adds `pos` under `id`; false (and no change) when `id` is already there.
    template <class IdAt>
    bool insert(std::string_view id, size_t pos, const IdAt & id_at) {
        if ((count_ + 1) * 4 > slots_.size() * 3) grow(std::max<size_t>(16, slots_.size() * 2));
        const uint64_t hash = hash_of(id);
        for (size_t i = hash & mask();; i = (i + 1) & mask()) {
            Slot & slot = slots_[i];
            if (slot.pos == npos) {
                slot = {hash, pos};
                ++count_;
                return true;
            }
            if (slot.hash == hash && std::string_view(id_at(slot.pos)) == id) return false;
        }
    }
    void reserve(size_t count);
    size_t size() const { return count_; }

private:
    struct Slot {
        uint64_t hash = 0;
        size_t   pos  = npos;
    };
    static uint64_t hash_of(std::string_view id) { return std::hash<std::string_view>{}(id); }
    size_t mask() const { return slots_.size() - 1; }
    void   grow(size_t slots);
    std::vector<Slot> slots_;  // power-of-two size, at most 3/4 full
    size_t            count_ = 0;
};

// ---------------------------------------------------------------------------------------------
// A fixed pool of worker threads. parallel_for blocks until every chunk ran; the first
// exception thrown by a chunk is rethrown on the calling thread after all chunks finished.
class ThreadPool {
public:
    explicit ThreadPool(int threads = 0);  // 0: one per hardware thread
    ~ThreadPool();
    ThreadPool(const ThreadPool &)             = delete;
    ThreadPool & operator=(const ThreadPool &) = delete;

    int size() const noexcept;
    // Calls body(begin, end) over [0, count) split into chunks of at most `grain` items.
    void parallel_for(size_t count, size_t grain, const std::function<void(size_t, size_t)> & body);
private:
    struct State;
    State * state_;
};

int hardware_threads();  // at least 1

// ---------------------------------------------------------------------------------------------
// Progress of long work (training, evaluation, generation, ingest). The callback returns false
// to cancel; the work then stops at the next check and throws Error(Status::Aborted).
struct ProgressEvent {
    std::string_view phase;  // e.g. "read", "evaluate"
    int64_t          done  = 0;
    int64_t          total = 0;  // 0 when unknown
};
using ProgressCallback = std::function<bool(const ProgressEvent &)>;

// Calls the callback at most every `interval_ms` (and always for the last step), so hot loops
// can report every item without flooding the host. Not thread-safe: one per worker.
class ProgressReporter {
public:
    ProgressReporter(ProgressCallback callback, std::string phase, int64_t total,
                     int interval_ms = 100);
    void set_total(int64_t total) { total_ = total; }
    void update(int64_t done);  // throws Error(Aborted) when the callback says stop
    void finish();              // reports done == total
private:
    ProgressCallback callback_;
    std::string      phase_;
    int64_t          total_, last_reported_ = -1;
    int64_t          last_ms_ = 0;
    int              interval_ms_;
};

// ---------------------------------------------------------------------------------------------
// Files. Errors are Error(Status::Io) naming the path and the system's reason.
std::string read_file(const std::string & path);
bool        file_exists(const std::string & path);

// A whole file mapped read-only into memory (no copy), with at least kPadding readable zero
// bytes after its end, so that parsers that read ahead (simdjson) can work on it in place.
// Errors are Error(Status::Io) naming the path. Movable, not copyable.
class MappedFile {
public:
    static constexpr size_t kPadding = 64;
    explicit MappedFile(const std::string & path);
    ~MappedFile();
    MappedFile(MappedFile && other) noexcept;
    MappedFile & operator=(MappedFile && other) noexcept;
    MappedFile(const MappedFile &)             = delete;
    MappedFile & operator=(const MappedFile &) = delete;
    std::string_view view() const { return {data_, size_}; }
    size_t size() const { return size_; }
private:
    char * data_ = nullptr;
    size_t size_ = 0, mapped_ = 0;
};

// Writes `data` to `path` so that readers see either the old file or the whole new one: a
// temporary file beside it, fsync, then rename. Never leaves a half-written `path`.
void write_file_atomic(const std::string & path, std::string_view data);

// Streaming form of write_file_atomic for large outputs: write() appends, commit() publishes.
// Destroyed without commit() (an exception on the way), the temporary file is removed.
class AtomicFile {
public:
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile &)             = delete;
    AtomicFile & operator=(const AtomicFile &) = delete;
    void write(std::string_view data);
    void commit();
private:
    std::string path_, temp_path_;
    std::FILE * file_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Text helpers.
std::string base64_encode(std::string_view bytes);
// Standard alphabet; whitespace and a missing final padding are tolerated. Returns false on any
// other character or an impossible length.
bool        base64_decode(std::string_view text, std::string & out);
bool        is_valid_utf8(std::string_view text);
std::string trim(std::string_view text);  // ASCII white space at both ends
std::vector<std::string> split(std::string_view text, char separator);
std::string to_lower(std::string_view text);  // ASCII only
// Python's repr(round(value, decimals)): "0.63", "1.0", "0.125" (used for box coordinates).
std::string python_round_repr(double value, int decimals);

// ---------------------------------------------------------------------------------------------
// JSON output. Produces compact, valid UTF-8 JSON; numbers print in their shortest round-trip
// form. Keys and values alternate as the caller writes them; misuse is the caller's bug.
class JsonWriter {
public:
    JsonWriter & begin_object();
    JsonWriter & end_object();
    JsonWriter & begin_array();
    JsonWriter & end_array();
    JsonWriter & key(std::string_view name);
    JsonWriter & value(std::string_view text);
    JsonWriter & value(const char * text) { return value(std::string_view(text)); }
    JsonWriter & value(const std::string & text) { return value(std::string_view(text)); }
    JsonWriter & value(bool flag);
    JsonWriter & value(int64_t number);
    JsonWriter & value(int number) { return value(static_cast<int64_t>(number)); }
    JsonWriter & value(uint64_t number);
    JsonWriter & value(double number);  // NaN and infinities are written as null
    JsonWriter & null();
    JsonWriter & raw(std::string_view json);  // an already serialised value
    const std::string & str() const { return out_; }
    std::string         take() { return std::move(out_); }
private:
    void        separate();
    std::string out_;
    std::vector<bool> first_;  // per open container: no element written yet
    bool after_key_ = false;
};

std::string json_quote(std::string_view text);  // "..." with JSON escapes

}  // namespace dataengine
