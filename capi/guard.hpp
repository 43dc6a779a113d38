// Internal to capi/: the boundary between C and C++. Every entry point clears its out-parameters,
// checks its arguments, then runs the C++ call inside guard(), which turns any exception into a
// status and the thread-local message. Nothing thrown crosses extern "C".
#pragma once
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>

#include "dataengine.h"
#include "dataengine/core.hpp"

namespace dataengine::capi {

// Set by fail(); de_last_error() returns it. snprintf into a fixed buffer: no allocation, so
// even DE_ENOMEM can be reported.
inline thread_local char t_error[2048] = "";

inline de_status fail(de_status status, const char * message) noexcept {
    std::snprintf(t_error, sizeof t_error, "%s", message);
    return status;
}

template <class F>
de_status guard(F && body) noexcept {
    try {
        body();
        return DE_OK;
    } catch (const Error & e) {
        return fail(static_cast<de_status>(e.status()), e.what());
    } catch (const std::bad_alloc &) {
        return fail(DE_ENOMEM, "out of memory");
    } catch (const std::exception & e) {
        return fail(DE_EINTERNAL, e.what());
    } catch (...) {
        return fail(DE_EINTERNAL, "unknown exception");
    }
}

// The message every entry point gives for a NULL handle or out-parameter.
inline de_status null_argument(const char * function) {
    return fail(DE_EINVALID, (std::string(function) + ": NULL argument").c_str());
}

// Copies a new string for the caller (released with de_string_free).
char * owned_string(const std::string & text);

// True when an options struct of `struct_size` bytes holds `field` completely: a host compiled
// against an older, smaller struct gets defaults for the fields it does not know.
#define DE_HAS_FIELD(options, field) \
    ((options) != nullptr && offsetof(std::remove_pointer_t<decltype(options)>, field) + sizeof((options)->field) <= (options)->struct_size)

// Initialises an options struct: checks the size, zeroes it, sets struct_size.
template <class Options>
de_status init_options(Options * options, size_t struct_size, const char * function) {
    if (!options) return fail(DE_EINVALID, (std::string(function) + ": NULL options").c_str());
    if (struct_size < sizeof(size_t) || struct_size > sizeof(Options))
        return fail(DE_EINVALID, (std::string(function) + ": struct_size " + std::to_string(struct_size) +
                                  " is not the size of a known version of the struct").c_str());
    std::memset(static_cast<void *>(options), 0, struct_size);
    options->struct_size = struct_size;
    return DE_OK;
}

// Rejects an options struct whose struct_size is not plausible.
template <class Options>
bool bad_options_size(const Options * options) {
    return options && (options->struct_size < sizeof(size_t) || options->struct_size > sizeof(Options));
}

}  // namespace dataengine::capi

namespace dataengine::capi {
// A C progress callback as a C++ one (a non-zero return from C means stop).
ProgressCallback wrap_progress(de_progress_fn fn, void * user_data);
}  // namespace dataengine::capi
