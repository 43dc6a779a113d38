// Image paths stay inside their root: no absolute paths, no ".." components.
#include "dataengine/data.hpp"

namespace dataengine {

std::string resolve_image_path(const std::string & root, std::string_view relative) {
    const std::string shown(relative);
    if (relative.empty()) throw Error(Status::Invalid, "empty image path");
    if (relative.front() == '/' || relative.find('\\') != std::string_view::npos)
        throw Error(Status::Invalid, "image path '" + shown + "' must be relative to the image root");
    if (relative.find('\0') != std::string_view::npos)
        throw Error(Status::Invalid, "image path contains a NUL byte");
    for (const std::string & part : split(relative, '/'))
        if (part == "..") throw Error(Status::Invalid, "image path '" + shown + "' escapes the image root ('..')");
    if (root.empty()) return shown;
    return root.back() == '/' ? root + shown : root + "/" + shown;
}

}  // namespace dataengine
