// C ABI: versions, errors, strings, logging.
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "guard.hpp"

using namespace dataengine;
using capi::fail;

static_assert(DE_OK == int32_t(Status::Ok) && DE_EINVALID == int32_t(Status::Invalid) &&
                  DE_ENOMEM == int32_t(Status::NoMemory) && DE_EIO == int32_t(Status::Io) &&
                  DE_EFORMAT == int32_t(Status::Format) && DE_ENOTFOUND == int32_t(Status::NotFound) &&
                  DE_ERANGE == int32_t(Status::Range) && DE_EABORTED == int32_t(Status::Aborted) &&
                  DE_EUNSUPPORTED == int32_t(Status::Unsupported) && DE_ELIMIT == int32_t(Status::Limit) &&
                  DE_EINTERNAL == int32_t(Status::Internal),
              "de_status codes and dataengine::Status must agree");

namespace dataengine::capi {
char * owned_string(const std::string & text) {
    char * out = static_cast<char *>(std::malloc(text.size() + 1));
    if (!out) throw std::bad_alloc();
    std::memcpy(out, text.c_str(), text.size() + 1);
    return out;
}

ProgressCallback wrap_progress(de_progress_fn fn, void * user_data) {
    if (!fn) return {};
    return [fn, user_data](const ProgressEvent & event) {
        const std::string phase(event.phase);
        return fn(phase.c_str(), event.done, event.total, user_data) == 0;
    };
}
}  // namespace dataengine::capi

#define DE_STRINGIFY2(x) #x
#define DE_STRINGIFY(x) DE_STRINGIFY2(x)

extern "C" {

const char * de_version(void) {
    return DE_STRINGIFY(DE_VERSION_MAJOR) "." DE_STRINGIFY(DE_VERSION_MINOR) "." DE_STRINGIFY(DE_VERSION_PATCH);
}

int32_t de_abi_version(void) { return DE_ABI_VERSION; }

const char * de_last_error(void) { return capi::t_error; }

const char * de_status_string(de_status status) {
    if (status == DE_OK) return "ok";
    const bool known = status == DE_EINTERNAL || (status >= DE_ELIMIT && status <= DE_OK);
    if (!known) return "unknown status";
    return status_name(static_cast<Status>(status));
}

void de_string_free(char * string) { std::free(string); }

de_status de_set_log_callback(de_log_fn fn, void * user_data) {
    return capi::guard([&] {
        if (!fn) {
            set_log_sink({});
            return;
        }
        set_log_sink([fn, user_data](LogLevel level, std::string_view message) {
            const std::string text(message);  // NUL-terminated copy for C
            fn(int32_t(level), text.c_str(), user_data);
        });
    });
}

de_status de_set_log_level(int32_t level) {
    if (level < DE_LOG_DEBUG || level > DE_LOG_OFF) return fail(DE_EINVALID, "de_set_log_level: level must be DE_LOG_DEBUG..DE_LOG_OFF");
    set_log_level(static_cast<LogLevel>(level));
    return DE_OK;
}

}  // extern "C"
