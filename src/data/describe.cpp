// An image as the generator LLM sees it: captions, then boxes (DESIGN §1 step 3).
#include <cstdlib>

#include "dataengine/data.hpp"

namespace dataengine {

std::string describe_image(const std::vector<std::string> & captions, const std::vector<BoxObject> & objects) {
    std::string out;
    for (const std::string & caption : captions) {
        out += trim(caption);
        out += '\n';
    }
    for (const BoxObject & o : objects) {
        out += o.name + ": [" + python_round_repr(o.x1, 3) + ", " + python_round_repr(o.y1, 3) + ", " +
               python_round_repr(o.x2, 3) + ", " + python_round_repr(o.y2, 3) + "]\n";
    }
    if (!out.empty()) out.pop_back();
    return out;
}

namespace {

// "[x1, y1, x2, y2]" -> four numbers, or false.
bool parse_corners(std::string_view text, double (&v)[4]) {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
    const std::vector<std::string> parts = split(std::string(text.substr(1, text.size() - 2)), ',');
    if (parts.size() != 4) return false;
    for (size_t i = 0; i < 4; ++i) {
        const std::string number = trim(parts[i]);
        char * end = nullptr;
        v[i] = std::strtod(number.c_str(), &end);
        if (number.empty() || end != number.c_str() + number.size() || !(v[i] >= 0 && v[i] <= 1)) return false;
    }
    return v[0] <= v[2] && v[1] <= v[3];
}

}  // namespace

std::vector<BoxObject> parse_box_lines(std::string_view description) {
    std::vector<BoxObject> out;
    for (const std::string & raw : split(std::string(description), '\n')) {
        const std::string line  = trim(raw);
        const size_t      colon = line.rfind(": [");
        double v[4];
        if (colon == std::string::npos || colon == 0 || !parse_corners(std::string_view(line).substr(colon + 2), v)) continue;
        out.push_back({line.substr(0, colon), v[0], v[1], v[2], v[3]});
    }
    return out;
}

}  // namespace dataengine
