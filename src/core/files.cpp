// Whole-file reads and crash-safe writes (temporary file + fsync + rename).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "dataengine/core.hpp"

namespace dataengine {
namespace {

[[noreturn]] void io_error(const std::string & what, const std::string & path) {
    throw Error(Status::Io, what + " '" + path + "': " + std::strerror(errno));
}

std::string temp_name(const std::string & path) {
    // Unique per process and call, in the same directory so that rename() is atomic.
    static std::atomic_uint64_t counter{0};
    return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

}  // namespace

std::string read_file(const std::string & path) {
    std::FILE * file = std::fopen(path.c_str(), "rb");
    if (!file) io_error("cannot open", path);
    struct stat info {};
    if (::fstat(::fileno(file), &info) == 0 && S_ISDIR(info.st_mode)) {
        std::fclose(file);
        errno = EISDIR;
        io_error("cannot read", path);
    }
    std::string data;
    if (info.st_size > 0) data.reserve(static_cast<size_t>(info.st_size));
    char   buffer[1 << 16];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) data.append(buffer, n);
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) io_error("cannot read", path);
    return data;
}

bool file_exists(const std::string & path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
}

void write_file_atomic(const std::string & path, std::string_view data) {
    AtomicFile file(path);
    file.write(data);
    file.commit();
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), temp_path_(temp_name(path_)) {
    file_ = std::fopen(temp_path_.c_str(), "wb");
    if (!file_) io_error("cannot create", temp_path_);
}

AtomicFile::~AtomicFile() {
    if (file_) {
        std::fclose(file_);
        std::remove(temp_path_.c_str());
    }
}

void AtomicFile::write(std::string_view data) {
    if (!file_) throw Error(Status::Invalid, "AtomicFile: write after commit to '" + path_ + "'");
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), file_) != data.size())
        io_error("cannot write", temp_path_);
}

void AtomicFile::commit() {
    if (!file_) throw Error(Status::Invalid, "AtomicFile: committed twice: '" + path_ + "'");
    std::FILE * file = file_;
    file_            = nullptr;
    const bool ok    = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
    const int  saved = errno;
    std::fclose(file);
    if (!ok || std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
        if (!ok) errno = saved;
        const int e = errno;
        std::remove(temp_path_.c_str());
        errno = e;
        io_error("cannot write", path_);
    }
}

}  // namespace dataengine
