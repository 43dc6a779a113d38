// The process-wide log sink. A mutex serialises messages so a host's sink sees one at a time.
#include <atomic>
#include <cstdio>
#include <mutex>

#include "dataengine/core.hpp"

namespace dataengine {
namespace {

std::mutex            g_sink_mutex;
LogSink               g_sink;
std::atomic<int32_t>  g_level{static_cast<int32_t>(LogLevel::Info)};

const char * level_name(LogLevel level) {
    switch (level) {
        case LogLevel::Debug: return "debug";
        case LogLevel::Info:  return "info";
        case LogLevel::Warn:  return "warning";
        case LogLevel::Error: return "error";
        case LogLevel::Off:   break;
    }
    return "log";
}

}  // namespace

void set_log_sink(LogSink sink) {
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    g_sink = std::move(sink);
}

void set_log_level(LogLevel level) { g_level.store(static_cast<int32_t>(level)); }

LogLevel log_level() { return static_cast<LogLevel>(g_level.load()); }

void log(LogLevel level, std::string_view message) {
    if (level == LogLevel::Off || static_cast<int32_t>(level) < g_level.load()) return;
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    if (g_sink) {
        g_sink(level, message);
        return;
    }
    std::fprintf(stderr, "dataengine: %s: %.*s\n", level_name(level),
                 static_cast<int>(message.size()), message.data());
}

}  // namespace dataengine
