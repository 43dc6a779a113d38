// Status names and the Error type.
#include "dataengine/core.hpp"

namespace dataengine {

const char * status_name(Status status) {
    switch (status) {
        case Status::Ok:          return "ok";
        case Status::Invalid:     return "invalid argument";
        case Status::NoMemory:    return "out of memory";
        case Status::Io:          return "i/o error";
        case Status::Format:      return "format error";
        case Status::NotFound:    return "not found";
        case Status::Range:       return "out of range";
        case Status::Aborted:     return "aborted";
        case Status::Unsupported: return "unsupported";
        case Status::Limit:       return "over limit";
        case Status::Internal:    return "internal error";
    }
    return "unknown status";
}

Error::Error(Status status, const std::string & message)
    : std::runtime_error(message), status_(status) {}

}  // namespace dataengine
