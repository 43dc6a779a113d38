// The reply journal: one JSON line per reply, appended with a single write and fsync'd, so a
// kill leaves at most a torn last line, which is ignored on reading.
#include "loop/journal.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "core/json_read.hpp"

namespace dataengine::loop {
namespace {

std::string key_of(const GenerationRequest & r) {
    return std::to_string(r.seed) + "|" + r.image_id + "|" + r.type + "|" + r.prompt_version;
}

}  // namespace

JournaledBackend::JournaledBackend(std::shared_ptr<LlmBackend> inner, std::string path)
    : inner_(std::move(inner)), path_(std::move(path)) {
    if (file_exists(path_)) {
        for (const std::string & line : split(read_file(path_), '\n')) {
            if (trim(line).empty()) continue;
            simdjson::dom::parser parser;
            simdjson::padded_string copy;
            json::element root;
            json::object obj;
            std::string key, reply, why;
            if (json::parse_document(parser, line, false, copy, root) || root.get(obj) ||
                !json::get_string(obj, "key", key, why) || !json::get_string(obj, "reply", reply, why))
                continue;  // a line torn by a kill
            replies_[key] = reply;
        }
    }
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(Status::Io, "cannot open reply journal '" + path_ + "': " + std::strerror(errno));
}

JournaledBackend::~JournaledBackend() {
    if (fd_ >= 0) ::close(fd_);
}

std::string JournaledBackend::complete(const GenerationRequest & request) {
    const std::string key = key_of(request);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto found = replies_.find(key);
        if (found != replies_.end()) {
            ++replayed_;
            return found->second;
        }
    }
    std::string reply = inner_->complete(request);
    JsonWriter w;
    w.begin_object().key("key").value(key).key("reply").value(reply).end_object();
    const std::string line = "\n" + w.take() + "\n";  // a leading newline ends any torn line
    std::lock_guard<std::mutex> lock(mutex_);
    if (::write(fd_, line.data(), line.size()) != ssize_t(line.size()) || ::fsync(fd_) != 0)
        throw Error(Status::Io, "cannot append to reply journal '" + path_ + "': " + std::strerror(errno));
    replies_[key] = reply;
    return reply;
}

}  // namespace dataengine::loop
