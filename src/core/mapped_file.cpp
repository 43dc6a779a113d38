// Read-only file mappings with zero padding after the end, for in-place parsing.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dataengine/core.hpp"

namespace dataengine {

MappedFile::MappedFile(const std::string & path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(Status::Io, "cannot open '" + path + "': " + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || S_ISDIR(info.st_mode)) {
        const int e = S_ISDIR(info.st_mode) ? EISDIR : errno;
        ::close(fd);
        throw Error(Status::Io, "cannot read '" + path + "': " + std::strerror(e));
    }
    size_ = size_t(info.st_size);
    const size_t page = size_t(::sysconf(_SC_PAGESIZE));
    mapped_ = (size_ + kPadding + page - 1) / page * page;
    // Reserve zeroed anonymous memory for file + padding, then map the file over its start: the
    // padding is readable even when the file ends exactly on a page boundary.
    void * base = ::mmap(nullptr, mapped_, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        ::close(fd);
        throw Error(Status::NoMemory, "cannot map '" + path + "': " + std::strerror(errno));
    }
    if (size_ > 0 && ::mmap(base, size_, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
        const int e = errno;
        ::munmap(base, mapped_);
        ::close(fd);
        throw Error(Status::Io, "cannot map '" + path + "': " + std::strerror(e));
    }
    ::close(fd);  // the mapping keeps the file open
    data_ = static_cast<char *>(base);
    if (size_ > 0) ::madvise(base, size_, MADV_SEQUENTIAL);
}

MappedFile::~MappedFile() {
    if (data_) ::munmap(data_, mapped_);
}

MappedFile::MappedFile(MappedFile && other) noexcept
    : data_(other.data_), size_(other.size_), mapped_(other.mapped_) {
    other.data_ = nullptr;
    other.size_ = other.mapped_ = 0;
}

MappedFile & MappedFile::operator=(MappedFile && other) noexcept {
    if (this != &other) {
        if (data_) ::munmap(data_, mapped_);
        data_ = other.data_;
        size_ = other.size_;
        mapped_ = other.mapped_;
        other.data_ = nullptr;
        other.size_ = other.mapped_ = 0;
    }
    return *this;
}

}  // namespace dataengine
