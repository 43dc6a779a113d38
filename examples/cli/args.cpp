#include "args.hpp"

#include <algorithm>
#include <stdexcept>

namespace cli {

Args::Args(int argc, char ** argv, const std::vector<std::string> & flags, const std::vector<std::string> & multi,
           const std::vector<std::string> & valued) {
    auto in = [](const std::vector<std::string> & list, const std::string & name) {
        return std::find(list.begin(), list.end(), name) != list.end();
    };
    for (int i = 0; i < argc; ++i) {
        const std::string word = argv[i];
        if (word.rfind("--", 0) != 0) {
            positional_.push_back(word);
            continue;
        }
        const std::string name = word.substr(2);
        if (in(flags, name)) {
            values_[name].push_back("1");
        } else if (in(valued, name)) {
            if (i + 1 >= argc) throw std::invalid_argument("option --" + name + " needs a value");
            values_[name].push_back(argv[++i]);
        } else if (in(multi, name)) {
            auto & list = values_[name];
            while (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) list.push_back(argv[++i]);
            if (list.empty()) throw std::invalid_argument("option --" + name + " needs at least one value");
        } else {
            throw std::invalid_argument("unknown option " + word);
        }
    }
}

bool Args::has(const std::string & name) const { return values_.count(name) > 0; }

std::string Args::get(const std::string & name, const std::string & fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second.back();
}

std::string Args::require(const std::string & name) const {
    if (!has(name)) throw std::invalid_argument("missing required option --" + name);
    return get(name);
}

const std::vector<std::string> & Args::all(const std::string & name) const {
    static const std::vector<std::string> none;
    auto it = values_.find(name);
    return it == values_.end() ? none : it->second;
}

}  // namespace cli
