// An image as the generator LLM sees it: captions, then boxes (DESIGN §1 step 3).
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

}  // namespace dataengine
