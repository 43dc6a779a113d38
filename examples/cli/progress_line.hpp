// A progress line on stderr, redrawn in place: "train: 340/1200 (28%)".
#pragma once
#include <chrono>
#include <cstdio>
#include <string>

#include "dataengine/core.hpp"

namespace cli {

class ProgressLine {
public:
    explicit ProgressLine(std::string label) : label_(std::move(label)) {}
    bool operator()(const dataengine::ProgressEvent & e) const {
        const std::string phase(e.phase);
        if (e.total > 0)
            std::fprintf(stderr, "\r%s %s: %lld/%lld (%d%%)   ", label_.c_str(), phase.c_str(), static_cast<long long>(e.done),
                         static_cast<long long>(e.total), int(100 * e.done / e.total));
        else
            std::fprintf(stderr, "\r%s %s: %lld   ", label_.c_str(), phase.c_str(), static_cast<long long>(e.done));
        if (e.total > 0 && e.done >= e.total) std::fputc('\n', stderr);
        std::fflush(stderr);
        return true;
    }
private:
    std::string label_;
};

// Prints `help` (and `more`, a shared section) and returns true when --help is among the arguments.
inline bool wants_help(int argc, char ** argv, const char * help, const char * more = nullptr) {
    for (int i = 0; i < argc; ++i)
        if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
            std::fputs(help, stdout);
            if (more) std::fputs(more, stdout);
            return true;
        }
    return false;
}

}  // namespace cli
